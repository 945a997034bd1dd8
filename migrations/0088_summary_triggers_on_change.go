package migrations

import (
	"fmt"

	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
)

func init() {
	m.Register(func(app core.App) error { return summaryUpdateTriggers(app, true) },
		func(app core.App) error { return summaryUpdateTriggers(app, false) },
		"0088_summary_triggers_on_change.go")
}

// summaryUpdateTriggers makes the monthly summaries' update triggers
// (migration 0025) fire only when an update changes a row's figures
// (Summary.updateTrigger; issue #23): the sums stay exactly as before, and
// an update that changes nothing they count no longer writes them twice.
func summaryUpdateTriggers(app core.App, onChange bool) error {
	for _, s := range Summaries {
		for _, q := range s.updateTrigger(onChange) {
			if _, err := app.DB().NewQuery(q).Execute(); err != nil {
				return fmt.Errorf("%s: %w", s.Table, err)
			}
		}
	}
	return nil
}
