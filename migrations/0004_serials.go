package migrations

import (
	"fmt"

	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
)

func init() {
	m.Register(serialsUp, func(app core.App) error {
		_, err := app.DB().NewQuery("DROP TABLE IF EXISTS {{_wuye_serials}}").Execute()
		return err
	}, "0004_serials.go")
}

// serialsUp creates the counter table behind document serial numbers
// (TS-20261122-0001 …). It is a plain table, not a collection: no API reads
// or writes it; the serial hook bumps a counter in the same transaction as
// the document insert, which keeps the numbers gap-free.
func serialsUp(app core.App) error {
	_, err := app.DB().NewQuery(`
		CREATE TABLE IF NOT EXISTS {{_wuye_serials}} (
			[[prefix]] TEXT NOT NULL,
			[[day]]    TEXT NOT NULL,
			[[last]]   INTEGER NOT NULL,
			PRIMARY KEY ([[prefix]], [[day]])
		) WITHOUT ROWID`).Execute()
	if err != nil {
		return fmt.Errorf("_wuye_serials: %w", err)
	}
	return nil
}
