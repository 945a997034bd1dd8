package hooks

import (
	"fmt"
	"strings"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/search"
)

// Custom routes (exports, statistics, the dashboard's deadline list, printed
// notices) read the database directly. What they return must never be more
// than the caller could list through the records API (issue #16, item 4: a
// complaint about a staff member is hidden from them there, but reached them
// through the complaints export). So the routes that return records read
// them through the collection's own list rule, evaluated by PocketBase's
// resolver exactly as the list route evaluates it, instead of a second copy
// of the rule in SQL that can drift from it.

// listRuleCondition is an SQL condition on alias.id (alias standing for a
// row of collection in the caller's query) that admits the rows the caller
// of e may list through GET /api/collections/{collection}/records, and the
// params it needs. A superuser lists everything; a collection without a
// list rule (nil: superusers only) admits nothing.
//
// The rule is a correlated EXISTS on the row's id, not "id IN (the rule's
// rows)": SQLite materializes an uncorrelated IN subquery, which evaluated
// the rule over the whole collection — 30 s for the dashboard's 139
// breaching documents among 1M complaints and work orders (BENCHMARKS.md
// § Realtime); the EXISTS looks up only the rows the caller's query reads.
func listRuleCondition(e *core.RequestEvent, collection, alias string) (string, dbx.Params, error) {
	info, err := e.RequestInfo()
	if err != nil {
		return "", nil, err
	}
	return ruleCondition(e.App, info, collection, alias)
}

func ruleCondition(app core.App, info *core.RequestInfo, collection, alias string) (string, dbx.Params, error) {
	return ruleConditionOf(app, info, collection, alias, func(c *core.Collection) *string { return c.ListRule })
}

// viewRuleCondition is ruleCondition for the collection's view rule: the
// rows the caller may view (GET …/records/{id}), which is also what decides
// whether a record shows in another's expand.
func viewRuleCondition(app core.App, info *core.RequestInfo, collection, alias string) (string, dbx.Params, error) {
	return ruleConditionOf(app, info, collection, alias, func(c *core.Collection) *string { return c.ViewRule })
}

func ruleConditionOf(app core.App, info *core.RequestInfo, collection, alias string, ruleOf func(*core.Collection) *string) (string, dbx.Params, error) {
	if info.HasSuperuserAuth() {
		return "1 = 1", dbx.Params{}, nil
	}
	col, err := app.FindCachedCollectionByNameOrId(collection)
	if err != nil {
		return "", nil, err
	}
	if alias == col.Name {
		return "", nil, fmt.Errorf("rule condition: the alias %q must differ from the collection's name", alias)
	}
	rule := ruleOf(col)
	if rule == nil {
		return "1 = 0", dbx.Params{}, nil
	}
	if *rule == "" {
		return "1 = 1", dbx.Params{}, nil
	}
	// The rule as a subquery over the collection under its own name: the
	// resolver's joins and placeholders stay inside it, and the caller's
	// query (which names the collection by an alias) is left alone.
	q := app.DB().Select("{{" + col.Name + "}}.[[id]]").From(col.Name)
	r := core.NewRecordFieldResolver(app, col, info, true)
	expr, err := search.FilterData(*rule).BuildExpr(r)
	if err != nil {
		return "", nil, err
	}
	q.AndWhere(expr).AndWhere(dbx.NewExp("{{" + col.Name + "}}.[[id]] = [[" + alias + ".id]]"))
	if err := r.UpdateQuery(q); err != nil {
		return "", nil, err
	}
	// The builder names some params itself (p0, p1 …), as it does in the
	// caller's query: renamed apart, so neither overwrites the other.
	built := q.Build()
	sql := built.SQL()
	params := dbx.Params{}
	for k, v := range built.Params() {
		name := "listrule_" + alias + "_" + k
		sql = strings.ReplaceAll(sql, "{:"+k+"}", "{:"+name+"}")
		params[name] = v
	}
	return "EXISTS (" + sql + ")", params, nil
}

// listableIDs reports which of ids (records of collection) the caller of e
// may list through the records API.
func listableIDs(e *core.RequestEvent, collection string, ids []string) (map[string]bool, error) {
	out := map[string]bool{}
	if len(ids) == 0 {
		return out, nil
	}
	cond, params, err := listRuleCondition(e, collection, "t")
	if err != nil {
		return nil, err
	}
	in := make([]any, len(ids))
	for i, id := range ids {
		in[i] = id
	}
	var got []string
	err = e.App.DB().Select("t.id").From(collection + " t").
		Where(dbx.In("t.id", in...)).AndWhere(dbx.NewExp(cond, params)).Column(&got)
	if err != nil {
		return nil, err
	}
	for _, id := range got {
		out[id] = true
	}
	return out, nil
}

// mayListRecord reports whether the caller of e may list record r.
func mayListRecord(e *core.RequestEvent, r *core.Record) bool {
	ok, err := listableIDs(e, r.Collection().Name, []string{r.Id})
	return err == nil && ok[r.Id]
}

// listableBreaches keeps the deadline items the caller of e may list.
func listableBreaches(e *core.RequestEvent, items []BreachItem) ([]BreachItem, error) {
	ids := map[string][]string{}
	for _, it := range items {
		ids[it.Collection] = append(ids[it.Collection], it.ID)
	}
	ok := map[string]map[string]bool{}
	for col, list := range ids {
		m, err := listableIDs(e, col, list)
		if err != nil {
			return nil, err
		}
		ok[col] = m
	}
	out := make([]BreachItem, 0, len(items))
	for _, it := range items {
		if ok[it.Collection][it.ID] {
			out = append(out, it)
		}
	}
	return out, nil
}
