package migrations

import (
	"fmt"

	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
)

func init() {
	m.Register(feeSummariesUp, feeSummariesDown, "0027_fee_summaries.go")
}

// feeSummariesUp adds the summaries the fee statistics read (issue #10:
// /api/stats/fees read tens of thousands of bills and allocations per
// request, 120–270 ms on the bench history): bills by period month,
// building and fee item (feeBills), open bills by due day (billDues), and
// the payments' allocations by payment month, bill period month, building
// and fee item (the fee collections, fee_collections.go). On a database
// where 0025 created the summaries before these existed; on a new one 0025
// has created them already and this only refills them (empty).
func feeSummariesUp(app core.App) error {
	fresh := []Summary{feeBills, billDues}
	if err := createSummaries(app, fresh); err != nil {
		return err
	}
	if err := rebuildSummaries(app, fresh); err != nil {
		return err
	}
	if err := rebuildFeeCollections(app); err != nil {
		return err
	}
	// Planner statistics for the new tables only (AnalyzeFully would read
	// the whole database again).
	for _, q := range []string{"PRAGMA analysis_limit = 0", "ANALYZE " + feeBills.Table, "ANALYZE " + billDues.Table,
		"ANALYZE " + FeeCollectionsTable, "ANALYZE " + FeeAllocsTable} {
		if _, err := app.DB().NewQuery(q).Execute(); err != nil {
			return fmt.Errorf("%s: %w", q, err)
		}
	}
	return nil
}

func feeSummariesDown(app core.App) error {
	qs := feeCollectionsDrop()
	for _, s := range []Summary{feeBills, billDues} {
		qs = append(qs, s.drop()...)
	}
	for _, q := range qs {
		if _, err := app.DB().NewQuery(q).Execute(); err != nil {
			return err
		}
	}
	return nil
}
