package migrations

import (
	"fmt"

	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
)

func init() {
	m.Register(perfUp, perfDown, "0025_perf.go")
}

// perfUp makes the pages' lists and the statistics fast on years of
// history (issue #10, measured by `go run ./cmd/bench`):
//
//   - an index for every list the pages make on the big collections, so that
//     none walks the whole history: a resident's requests by the latest
//     change, a unit's documents at the desk, a handler's complaints, a hot
//     group (the boards and queues by status use the status indexes of 0006
//     and 0007, given true statistics: see AnalyzeFully);
//   - indexes for the fee statistics (bills by period start, bills not
//     settled, open bills by due day, payments by day);
//   - monthly summaries of complaints, work orders and bills, kept exact by
//     SQLite triggers on every insert, update and delete (whatever does the
//     writing: API, hooks, cron jobs, raw SQL), which the statistics read
//     instead of aggregating a month's rows on every request (summaries.go);
//   - full planner statistics.
//
// On a large database this migration takes a while once (PocketBase
// rebuilds a collection's indexes when it saves the collection; the
// summaries are filled from the existing rows).
func perfUp(app core.App) error {
	// The statistics' own queries are written in Go with their conditions
	// as literals, so they can use partial indexes (SQLite sees that the
	// query implies the index's condition). The pages' filters cannot:
	// PocketBase binds every value of a filter as a parameter, and a
	// partial index is never chosen on a parameter; their indexes are plain.
	indexes := map[string][][3]string{ // collection → {name, columns, partial condition}
		"complaints": {
			{"idx_complaints_resident_updated", "resident, updated", ""}, // portal home: my requests, latest first
			{"idx_complaints_unit", "unit, received_at", ""},             // desk: the unit's complaints
			{"idx_complaints_handler", "handler, status, reply_due", ""}, // my complaints (handler)
			{"idx_complaints_hot_group", "hot_group", ""},                // a hot group's complaints
			// Statistics, counted live: not yet responded to / answered.
			{"idx_complaints_unresponded", "community, received_at", "status != 'invalid' AND first_responded_at = ''"},
			{"idx_complaints_unreplied", "community, received_at", "status != 'invalid' AND replied_at = ''"},
		},
		"work_orders": {
			{"idx_work_orders_requester_updated", "requester, updated", ""}, // portal home
			{"idx_work_orders_unit", "unit, received_at", ""},               // desk: the unit's orders
			// Statistics, counted live: not yet answered.
			{"idx_work_orders_unreplied", "community, received_at", "replied_at = ''"},
		},
		"renovations": {
			{"idx_renovations_applicant", "applicant, updated", ""}, // portal home
		},
		"bills": {
			{"idx_bills_community_start", "community, period_start", ""},
			// Bills whose payments do not (yet) exactly settle them.
			{"idx_bills_unsettled", "community, period_start", "paid_fen != amount_fen - discount_fen"},
			{"idx_bills_overdue", "community, due_on", "status IN ('issued', 'partially_paid')"},
		},
		"payments": {
			{"idx_payments_community_created", "community, created", ""},
		},
	}
	for _, name := range []string{"complaints", "work_orders", "renovations", "bills", "payments"} {
		c, err := app.FindCollectionByNameOrId(name)
		if err != nil {
			return err
		}
		for _, idx := range indexes[name] {
			c.RemoveIndex(idx[0])
			c.AddIndex(idx[0], false, idx[1], idx[2])
		}
		if err := app.Save(c); err != nil {
			return fmt.Errorf("%s indexes: %w", name, err)
		}
	}
	if err := createSummaries(app, Summaries); err != nil {
		return err
	}
	if err := RebuildSummaries(app); err != nil {
		return err
	}
	return AnalyzeFully(app)
}

// AnalyzeFully gathers the query planner's statistics over every row. With
// PocketBase's sampled statistics (its nightly PRAGMA optimize reads a
// couple of thousand rows of each index) a community or a status looks as
// selective as a resident, and SQLite answers a list of the few open
// documents by walking the community's whole history in date order; with
// true statistics it goes straight to the open ones. hooks.OptimizeDB keeps
// them true from night to night.
func AnalyzeFully(app core.App) error {
	for _, q := range []string{"PRAGMA analysis_limit = 0", "ANALYZE"} {
		if _, err := app.DB().NewQuery(q).Execute(); err != nil {
			return fmt.Errorf("%s: %w", q, err)
		}
	}
	return nil
}

func perfDown(app core.App) error {
	for _, q := range feeCollectionsDrop() {
		if _, err := app.DB().NewQuery(q).Execute(); err != nil {
			return err
		}
	}
	for _, s := range Summaries {
		for _, q := range s.drop() {
			if _, err := app.DB().NewQuery(q).Execute(); err != nil {
				return err
			}
		}
	}
	return nil
}
