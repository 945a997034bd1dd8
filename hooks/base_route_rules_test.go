package hooks_test

import (
	"strings"
	"testing"

	"github.com/pocketbase/pocketbase/core"

	"wuye/hooks"
	"wuye/internal/testapp"
)

// A route reading a few records through the caller's list rule (the
// dashboard's breaching documents, an export's month) looks up those rows
// only. The rule used to be "id IN (the rule's rows)", which SQLite
// materializes by evaluating the rule over the whole collection: 30 s on
// the 1M-row history (BENCHMARKS.md § Realtime). The plan must search the
// collection by its primary key in the rule's subquery, and never scan it.
func TestRouteRuleReadsOnlyTheRowsAsked(t *testing.T) {
	app := testapp.New(t)
	for _, who := range []string{"supervisor@example.com", "frontdesk@example.com", "tech1@example.com", "owner1@example.com"} {
		collection := "staff"
		if strings.HasPrefix(who, "owner") {
			collection = "residents"
		}
		auth, err := app.FindAuthRecordByEmail(collection, who)
		if err != nil {
			t.Fatal(err)
		}
		for _, col := range []string{"complaints", "work_orders"} {
			cond, params, err := hooks.RuleCondition(app, &core.RequestInfo{Auth: auth}, col, "t")
			if err != nil {
				t.Fatal(err)
			}
			params["a"], params["b"] = "aaaaaaaaaaaaaaa", "bbbbbbbbbbbbbbb"
			var rows []struct {
				Detail string `db:"detail"`
			}
			q := "EXPLAIN QUERY PLAN SELECT t.id FROM " + col + " t WHERE t.id IN ({:a}, {:b}) AND " + cond
			if err := app.DB().NewQuery(q).Bind(params).All(&rows); err != nil {
				t.Fatalf("%s: %v", q, err)
			}
			var plan []string
			for _, r := range rows {
				plan = append(plan, r.Detail)
			}
			got := strings.Join(plan, "; ")
			if strings.Contains(got, "SCAN "+col) || !strings.Contains(got, "CORRELATED") {
				t.Errorf("%s reading %s: the rule is not looked up row by row:\n%s", who, col, got)
			}
		}
	}
	if _, _, err := hooks.RuleCondition(app, &core.RequestInfo{}, "complaints", "complaints"); err == nil {
		t.Error("an alias equal to the collection's name is accepted")
	}
}
