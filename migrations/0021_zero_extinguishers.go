package migrations

import (
	"fmt"

	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
)

func init() {
	m.Register(zeroExtinguishersUp, nil, "0021_zero_extinguishers.go")
}

// zeroExtinguishersUp lets an inspection record a site with no extinguisher
// at all: PocketBase reads a required number as "not zero", so the count is
// optional (and never negative); the checklist always sends it.
func zeroExtinguishersUp(app core.App) error {
	return changeCollection(app, "renovation_inspections", "", func(c *core.Collection) error {
		f, ok := c.Fields.GetByName("extinguishers").(*core.NumberField)
		if !ok {
			return fmt.Errorf("renovation_inspections.extinguishers is not a number field")
		}
		f.Required = false
		return nil
	})
}
