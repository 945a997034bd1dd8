package migrations

import (
	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
)

func init() {
	m.Register(hotGroupsUp, hotGroupsDown, "0054_hot_groups.go")
}

// hotGroupsUp adds why a complaint is in its hot group (hot_reason: the
// category, the shared place or words — lib/topic) and whether a supervisor
// took it out of a wrong group (hot_split), which keeps it out of hot
// detection from then on. Both are the server's (docs/DESIGN.md §
// Complaints, "Hot groups").
func hotGroupsUp(app core.App) error {
	return changeCollection(app, "complaints", "complaints.hot_reason", func(c *core.Collection) error {
		c.Fields.Add(&core.JSONField{Name: "hot_reason", MaxSize: 2000}, flag("hot_split"))
		return nil
	})
}

func hotGroupsDown(app core.App) error {
	return changeCollection(app, "complaints", "", func(c *core.Collection) error {
		c.Fields.RemoveByName("hot_reason")
		c.Fields.RemoveByName("hot_split")
		return nil
	})
}
