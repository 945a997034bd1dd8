package migrations

import (
	"fmt"

	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
)

func init() {
	m.Register(revisitIndexesUp, revisitIndexesDown, "0028_revisit_indexes.go")
}

// revisitIndexes serve the front desk's revisit queue (pb_public/js/staff/
// desk.js, Revisits), which reads a page at a time of each kind waiting:
// replied complaints and signed-off orders to revisit, revisited ones to
// close, each oldest first (orders overdue first). With them a page of 50 is
// an index range in the order asked for; without, SQLite fetched and sorted
// every document in that status (some 2,000 each on a 10,000-home estate)
// for each page. The sort columns end with id, as the page sorts.
var revisitIndexes = map[string][][2]string{ // collection → {name, columns}
	"complaints": {
		{"idx_complaints_revisit", "community, status, replied_at, id"},
		{"idx_complaints_revisited", "community, status, revisited_at, id"},
	},
	"work_orders": {
		{"idx_work_orders_revisit", "community, status, revisit_overdue DESC, signed_off_at, id"},
		{"idx_work_orders_revisited", "community, status, revisit_overdue DESC, revisited_at, id"},
	},
}

func revisitIndexesUp(app core.App) error {
	return saveIndexes(app, func(c *core.Collection, idx [2]string) {
		c.RemoveIndex(idx[0])
		c.AddIndex(idx[0], false, idx[1], "")
	})
}

func revisitIndexesDown(app core.App) error {
	return saveIndexes(app, func(c *core.Collection, idx [2]string) { c.RemoveIndex(idx[0]) })
}

func saveIndexes(app core.App, change func(*core.Collection, [2]string)) error {
	for _, name := range []string{"complaints", "work_orders"} {
		c, err := app.FindCollectionByNameOrId(name)
		if err != nil {
			return err
		}
		for _, idx := range revisitIndexes[name] {
			change(c, idx)
		}
		if err := app.Save(c); err != nil {
			return fmt.Errorf("%s revisit indexes: %w", name, err)
		}
		// The planner's statistics for the new indexes, over every row (see
		// AnalyzeFully; hooks.OptimizeDB keeps them from night to night).
		for _, q := range []string{"PRAGMA analysis_limit = 0", "ANALYZE " + name} {
			if _, err := app.DB().NewQuery(q).Execute(); err != nil {
				return fmt.Errorf("%s: %w", q, err)
			}
		}
	}
	return nil
}
