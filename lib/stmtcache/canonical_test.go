package stmtcache

import (
	"database/sql/driver"
	"fmt"
	"strings"
	"testing"
)

// ruleQuery is PocketBase's create-rule query as recordCreate builds it
// (apis/record_crud.go): a CTE named with random characters whose columns
// come in a map's order, then the rule over it; args in the order of cols.
func ruleQuery(random string, cols []string) string {
	name := "complaints__pb_create__" + random
	sel := make([]string, len(cols))
	for i, c := range cols {
		sel[i] = "? AS `" + c + "`"
	}
	return fmt.Sprintf("WITH `%[1]s` as (SELECT %[2]s) SELECT DISTINCT (1) FROM `%[1]s` "+
		"LEFT JOIN `units` `%[1]s_unit` ON `%[1]s_unit`.`id` = `%[1]s`.`unit` "+
		"WHERE (? = ? AND `%[1]s`.`category` = 'cleaning' AND `%[1]s_unit`.`community` = `%[1]s`.`community`) LIMIT 1",
		name, strings.Join(sel, ","))
}

// The create rule's query of every create is one statement, compiled once
// per connection: the random name and the column order do not make it new,
// and each column keeps its own value — a rule that holds for one record
// and not for another still tells them apart (issue #23: it was compiled
// anew on every create, the largest statement of a complaint's).
func TestCreateRuleQueryIsKept(t *testing.T) {
	db := open(t, DriverName)
	exec(t, db, "CREATE TABLE units (id TEXT PRIMARY KEY, community TEXT)")
	exec(t, db, "INSERT INTO units VALUES ('u1', 'c1'), ('u2', 'c2')")
	orders := [][]string{{"unit", "category", "community", "id"}, {"community", "id", "unit", "category"}, {"id", "category", "unit", "community"}}
	values := map[string]string{"unit": "u1", "category": "cleaning", "community": "c1", "id": "x"}
	run := func(random string, cols []string, vals map[string]string) int {
		args := []any{}
		for _, c := range cols {
			args = append(args, vals[c])
		}
		args = append(args, "residents", "residents")
		var n int
		err := db.QueryRow(ruleQuery(random, cols), args...).Scan(&n)
		if err != nil && !strings.Contains(err.Error(), "no rows") {
			t.Fatal(err)
		}
		return n
	}
	if run("aB3dE6", orders[0], values) != 1 {
		t.Fatal("the rule should hold")
	}
	_, m0, _ := Stats()
	for i, cols := range orders {
		if run(fmt.Sprintf("Zz%04d", i), cols, values) != 1 {
			t.Errorf("order %v: the rule should hold", cols)
		}
		// The same columns, the unit of another community: refused.
		other := map[string]string{"unit": "u2", "category": "cleaning", "community": "c1", "id": "x"}
		if run(fmt.Sprintf("Yy%04d", i), cols, other) != 0 {
			t.Errorf("order %v: a unit of another community passed", cols)
		}
		// A category the rule refuses: refused in every order.
		bad := map[string]string{"unit": "u1", "category": "security", "community": "c1", "id": "x"}
		if run(fmt.Sprintf("Xx%04d", i), cols, bad) != 0 {
			t.Errorf("order %v: the wrong category passed", cols)
		}
	}
	if _, m, _ := Stats(); m != m0 {
		t.Errorf("%d create-rule queries compiled again, want 0", m-m0)
	}
}

// Queries not of that exact form keep their text and arguments.
func TestOtherQueriesUnchanged(t *testing.T) {
	args := []driver.NamedValue{{Ordinal: 1, Value: "a"}, {Ordinal: 2, Value: "b"}}
	for _, q := range []string{
		"SELECT 1",
		"WITH `t` as (SELECT ? AS `a`,? AS `b`) SELECT 1 FROM `t`",                    // no random part
		"WITH `t__pb_create__abc` as (SELECT ? AS `a`,? AS `b`) SELECT 1",             // not six characters
		"WITH `t__pb_create__abcdef` as (SELECT ? AS `a`, ? AS `b`) SELECT 1",         // another spelling
		"WITH `t__pb_create__abcdef` as (SELECT ? AS `a`,? AS `b`,? AS `c`) SELECT 1", // more columns than arguments
		"WITH `t__pb_create__abcdef` as (SELECT 'x' AS `a`,? AS `b`) SELECT 1",        // not a placeholder
	} {
		got, gotArgs := createRuleCanonical(q, args)
		if got != q || len(gotArgs) != 2 || gotArgs[0].Value != "a" {
			t.Errorf("%s: changed to %s %v", q, got, gotArgs)
		}
	}
	named := []driver.NamedValue{{Ordinal: 1, Name: "p", Value: "a"}, {Ordinal: 2, Value: "b"}}
	q := "WITH `t__pb_create__abcdef` as (SELECT ? AS `b`,? AS `a`) SELECT 1"
	if got, _ := createRuleCanonical(q, named); got != q {
		t.Errorf("named arguments: changed to %s", got)
	}
	got, gotArgs := createRuleCanonical(q, args)
	if want := "WITH `t__pb_create__000000` as (SELECT ? AS `a`,? AS `b`) SELECT 1"; got != want ||
		gotArgs[0].Value != "b" || gotArgs[1].Value != "a" || gotArgs[0].Ordinal != 1 || gotArgs[1].Ordinal != 2 {
		t.Errorf("got %s %v, want %s with b, a", got, gotArgs, want)
	}
}

// The rule's own placeholders, after the CTE, are written +? so that a kept
// rule query is not compiled again for each signed-in account (SQLite marks
// a value bound where the planner probed its STAT4 samples, and every
// parameter from the 32nd on with it); the CTE's columns keep ?, and text
// in quotes is left alone. Anything but a plain ? leaves the rule's text as
// it was.
func TestRulePlaceholdersWrittenPlus(t *testing.T) {
	cols := []string{"unit", "category", "community", "id"}
	args := make([]driver.NamedValue, len(cols)+2)
	for i := range args {
		args[i] = driver.NamedValue{Ordinal: i + 1, Value: fmt.Sprint(i)}
	}
	q := strings.Replace(ruleQuery("aB3dE6", cols), "'cleaning'", "'clean?ing'", 1)
	got, _ := createRuleCanonical(q, args)
	cte, rule, ok := strings.Cut(got, ") SELECT DISTINCT")
	if !ok {
		t.Fatalf("no rule in %s", got)
	}
	if strings.Count(cte, "+?") != 0 || strings.Count(cte, "? AS") != len(cols) {
		t.Errorf("the CTE's columns changed: %s", cte)
	}
	if !strings.Contains(rule, "WHERE (+? = +? AND") || !strings.Contains(rule, "'clean?ing'") || strings.Count(rule, "?") != 3 {
		t.Errorf("the rule's placeholders: %s", rule)
	}
	for _, odd := range []string{"WHERE (?1 = ? AND", "WHERE (:a = ? AND"} {
		q := strings.Replace(ruleQuery("aB3dE6", cols), "WHERE (? = ? AND", odd, 1)
		got, _ := createRuleCanonical(q, args)
		if _, rule, _ := strings.Cut(got, ") SELECT DISTINCT"); !strings.Contains(rule, odd) {
			t.Errorf("%s: rule changed to %s", odd, rule)
		}
	}
}
