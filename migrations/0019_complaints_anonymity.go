package migrations

import (
	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
)

func init() {
	m.Register(complaintsAnonymityUp, complaintsAnonymityDown, "0019_complaints_anonymity.go")
}

// complaintsAnonymityUp adds complaints.anonymous: the complainant asks that
// staff other than the supervisor, the director, the complaint's handler and
// its receiver do not learn who filed it. The rules stay as they are (those
// staff still see the complaint itself); hooks/complaints_anonymity.go hides
// the complainant's fields from them and sets it once, at intake.
func complaintsAnonymityUp(app core.App) error {
	return changeCollection(app, "complaints", "complaints.anonymous", func(c *core.Collection) error {
		c.Fields.Add(flag("anonymous"))
		return nil
	})
}

func complaintsAnonymityDown(app core.App) error {
	return changeCollection(app, "complaints", "", func(c *core.Collection) error {
		c.Fields.RemoveByName("anonymous")
		return nil
	})
}
