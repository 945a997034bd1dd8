package migrations

import (
	"fmt"
	"slices"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
)

func init() {
	m.Register(patrolMadeUpUp, patrolMadeUpDown, "0039_patrol_made_up.go")
}

// A missed vacant-unit patrol stays outstanding until the unit is patrolled
// again; that later patrol makes the task up (补巡). It is recorded as
// "made_up", neither "done" (on time) nor "missed" (still outstanding), so
// the dashboard's coverage counts it as late and the rounds screen, the
// escalation job and the report stop listing it ([000] 管理员 3.2).
func patrolMadeUpUp(app core.App) error {
	return changeCollection(app, "patrol_tasks", "", func(c *core.Collection) error {
		f, ok := c.Fields.GetByName("status").(*core.SelectField)
		if !ok {
			return fmt.Errorf("patrol_tasks.status is not a select field")
		}
		if !slices.Contains(f.Values, "made_up") {
			f.Values = append(f.Values, "made_up")
		}
		return nil
	})
}

func patrolMadeUpDown(app core.App) error {
	return changeCollection(app, "patrol_tasks", "", func(c *core.Collection) error {
		// Without the status a made-up task reads as done, as before.
		if _, err := app.DB().Update("patrol_tasks", dbx.Params{"status": "done"}, dbx.HashExp{"status": "made_up"}).Execute(); err != nil {
			return err
		}
		if f, ok := c.Fields.GetByName("status").(*core.SelectField); ok {
			f.Values = slices.DeleteFunc(f.Values, func(v string) bool { return v == "made_up" })
		}
		return nil
	})
}
