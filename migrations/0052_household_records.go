package migrations

import (
	"fmt"
	"strings"

	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
)

func init() {
	m.Register(householdRecordsUp, householdRecordsDown, "0052_household_records.go")
}

// A household's work orders and complaints (issue #19 item 1; docs/DESIGN.md,
// "Accounts and access"). Until now a resident read only the orders and
// complaints they filed themselves: a tenant of 1-101 saw nothing of the
// owner's repair for the flat they live in. From here a resident reads
// those of every unit they currently live in that a current member of the
// household filed (householdOf) — of complaints, only those not filed
// anonymously: an anonymous complaint stays its complainant's alone. The
// update rules do not change: only the one who filed a record acts on it
// (confirms a quote, signs off, rates, withdraws). Who filed a record of
// someone else, and how to reach them (requester / resident,
// contact_name, contact_phone), stay hidden from the others of the
// household (hooks/guard_resident_ids.go).

// householdRules are, per collection, the resident part of the read rules
// before and after migration 0052.
var householdRules = map[string][2]string{
	"work_orders": {
		and(isResident, `requester = @request.auth.id`),
		and(isResident, or(`requester = @request.auth.id`, householdOf("requester"))),
	},
	"complaints": {
		and(isResident, `resident = @request.auth.id`),
		and(isResident, or(`resident = @request.auth.id`, and(`anonymous = false`, householdOf("resident")))),
	},
}

func householdRecordsUp(app core.App) error   { return setHouseholdRules(app, 0, 1) }
func householdRecordsDown(app core.App) error { return setHouseholdRules(app, 1, 0) }

// setHouseholdRules replaces, in the list and view rules, the resident part
// from by the one to (0: before, 1: after).
func setHouseholdRules(app core.App, from, to int) error {
	for _, name := range []string{"work_orders", "complaints"} {
		pair := householdRules[name]
		err := changeCollection(app, name, name+" household rules", func(c *core.Collection) error {
			for _, r := range []**string{&c.ListRule, &c.ViewRule} {
				if *r == nil || !strings.Contains(**r, pair[from]) {
					return fmt.Errorf("%s: the resident part of a read rule is not %s", name, pair[from])
				}
				*r = rule(strings.Replace(**r, pair[from], pair[to], 1))
			}
			return nil
		})
		if err != nil {
			return err
		}
	}
	return nil
}
