package hooks

import (
	"encoding/json"
	"net/url"
	"strings"

	"github.com/ganigeorgiev/fexpr"
	validation "github.com/pocketbase/ozzo-validation/v4"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/search"
)

// Side channels of client queries, found by the permission matrix
// (hooks/permissions_test.go, docs/PERMISSIONS.md).
//
// 1. All-rows comparisons through one-to-many relations. PocketBase checks
// the related collection's list rule for the rows a filter joins, so an
// any-of comparison (?=, ?~ …) through a back-relation sees only the rows
// the caller may list. A plain comparison (=, !=, ~, :length …) through a
// back-relation or a multiple relation also makes PocketBase test *every*
// related row in a subquery that no rule guards. A resident could list their
// own unit with
//
//	building.units_via_building.unit_residents_via_unit.resident.phone != "138…"
//
// and learn from an empty answer that some neighbour has that number — and
// so read neighbours' phones, names, complaints and bills a digit at a time;
// staff could read complaints withheld from them the same way. Such queries
// are refused for everyone but superusers (they are no page's need); any-of
// comparisons still work.
//
// 2. Hidden and masked fields (the table of hooks/base_masks.go):
// filtering or sorting on them would read them back a digit at a time. Such
// queries are refused for the callers the table masks them from, directly
// or through relations.
//
// Both apply to the records list and to realtime subscriptions, whose
// options carry a filter that PocketBase applies to every message.
//
// 3. Back-relation ids. To expand a back-relation (expand=bills_via_work_order)
// PocketBase first stores the ids of *all* the related records on the record
// as a value of that name, before the related collection's view rule picks
// the ones it expands. The value is not exported — unless an enrich hook has
// switched on the record's custom data (as the technician's name on a
// resident's work order, or masked ID numbers, do): then the ids of records
// the caller may not read went out with the response. They are hidden again.

// 4. Hidden relation fields (a resident's units, communities and buildings,
// migrations 0029 and 0090): PocketBase expands a relation whether or not
// the field is hidden, keeping the related records the caller may view, and
// expands the back-relations through it (residents_via_units) the same way.
// The expansion would show the hidden field's value, so an expand through a
// hidden field is refused for everyone but superusers, on every records
// route (list, view, create, update, the auth routes) and in a realtime
// subscription's options.

// authCollections are the collections of accounts, whose e-mails nobody but
// superusers may filter or sort on.
var authCollections = map[string]bool{"staff": true, "residents": true, core.CollectionNameSuperusers: true}

func init() {
	messages["wuye_query_all_rows"] = text{
		"不能经由一对多的关联（反向关联或多选关联）用“全部满足”的比较（=、!=、~、:length 等）筛选或排序；请改用 ?=、?~ 等“任一满足”的比较",
		"You cannot filter with an all-rows comparison (=, !=, ~, :length …) or sort through a one-to-many relation (a back-relation or a multiple relation); use an any-of comparison (?=, ?~ …) instead.",
	}
	messages["wuye_expand_hidden_field"] = text{
		"不能展开对您隐藏的字段（%[1]v）",
		"You cannot expand a field that is hidden from you (%[1]v).",
	}
	messages["wuye_query_hidden_field"] = text{
		"不能按对您隐藏的字段（%[1]v）筛选或排序",
		"You cannot filter or sort by a field that is hidden from you (%[1]v).",
	}
}

func registerQueryGuard(app core.App) {
	app.OnServe().BindFunc(func(se *core.ServeEvent) error {
		se.Router.BindFunc(guardClientQueries)
		se.Router.BindFunc(guardHiddenExpands)
		return se.Next()
	})
	app.OnRealtimeSubscribeRequest().BindFunc(guardRealtimeQueries)
	app.OnRecordEnrich().BindFunc(hideBackRelationIDs)
	app.OnRecordEnrich().BindFunc(maskFields)         // the table of hooks/base_masks.go
	app.OnRecordEnrich().BindFunc(hideOtherResidents) // hooks/guard_resident_ids.go
}

// hideBackRelationIDs hides the ids PocketBase stores on a record to expand
// a back-relation (the expansion itself, under "expand", keeps only what the
// caller may view).
func hideBackRelationIDs(e *core.RecordEnrichEvent) error {
	if err := e.Next(); err != nil {
		return err
	}
	for key := range e.Record.CustomData() {
		if backRelation.MatchString(key) && e.Record.Collection().Fields.GetByName(key) == nil {
			e.Record.Hide(key)
		}
	}
	return nil
}

// guardClientQueries is the router middleware for the records list.
func guardClientQueries(e *core.RequestEvent) error {
	if e.Request.Pattern != listPattern || e.HasSuperuserAuth() {
		return e.Next()
	}
	col, err := e.App.FindCachedCollectionByNameOrId(e.Request.PathValue("collection"))
	if err != nil {
		return e.Next() // PocketBase answers for an unknown collection
	}
	query := e.Request.URL.Query()
	if err := checkClientQuery(e.App, col, e.Auth, query.Get(search.FilterQueryParam), query.Get(search.SortQueryParam)); err != nil {
		return err
	}
	return e.Next()
}

// guardHiddenExpands is the router middleware for every route of a
// collection's records that takes an expand (side channel 4).
func guardHiddenExpands(e *core.RequestEvent) error {
	name := e.Request.PathValue("collection")
	expand := e.Request.URL.Query().Get("expand")
	if name == "" || expand == "" || e.HasSuperuserAuth() {
		return e.Next()
	}
	col, err := e.App.FindCachedCollectionByNameOrId(name)
	if err != nil {
		return e.Next() // PocketBase answers for an unknown collection
	}
	if err := checkExpand(e.App, col, expand); err != nil {
		return err
	}
	return e.Next()
}

// checkExpand refuses an expand of collection col that passes through a
// hidden relation field, directly (units) or as a back-relation
// (residents_via_units).
func checkExpand(app core.App, col *core.Collection, expand string) error {
	for _, path := range expandPaths(expand) {
		c := col
		for _, seg := range strings.Split(path, ".") {
			if c == nil {
				break
			}
			var f core.Field
			var next *core.Collection
			if m := backRelation.FindStringSubmatch(seg); m != nil && c.Fields.GetByName(seg) == nil {
				next, _ = app.FindCachedCollectionByNameOrId(m[1])
				if next != nil {
					f = next.Fields.GetByName(m[2])
				}
			} else if f = c.Fields.GetByName(seg); f != nil {
				if rf, ok := f.(*core.RelationField); ok {
					next, _ = app.FindCachedCollectionByNameOrId(rf.CollectionId)
				}
			}
			if f != nil && f.GetHidden() {
				return badRequest(validation.Errors{"expand": codedError("wuye_expand_hidden_field", seg)})
			}
			c = next
		}
	}
	return nil
}

// guardRealtimeQueries checks the filter in each subscription's options
// ("topic?options={"query":{"filter":…}}"), as the list route's.
func guardRealtimeQueries(e *core.RealtimeSubscribeRequestEvent) error {
	if e.HasSuperuserAuth() {
		return e.Next()
	}
	for _, sub := range e.Subscriptions {
		topic, rawQuery, _ := strings.Cut(sub, "?")
		name, _, _ := strings.Cut(topic, "/")
		col, err := e.App.FindCachedCollectionByNameOrId(name)
		if err != nil {
			continue // a custom topic, or PocketBase refuses nothing it does not know
		}
		values, _ := url.ParseQuery(rawQuery)
		var options struct {
			Query map[string]any `json:"query"`
		}
		if raw := values.Get("options"); raw != "" {
			_ = json.Unmarshal([]byte(raw), &options)
		}
		filter, _ := options.Query[search.FilterQueryParam].(string)
		sortBy, _ := options.Query[search.SortQueryParam].(string)
		if err := checkClientQuery(e.App, col, e.Auth, filter, sortBy); err != nil {
			return err
		}
		expand, _ := options.Query["expand"].(string)
		if err := checkExpand(e.App, col, expand); err != nil {
			return err
		}
	}
	return e.Next()
}

// checkClientQuery refuses a client filter or sort on collection col that
// compares all rows of a one-to-many relation, or reads a field hidden
// from auth.
func checkClientQuery(app core.App, col *core.Collection, auth *core.Record, filter, sortBy string) error {
	// self: the path is compared with the caller's own id ("my orders"),
	// which tells a resident nothing about anyone else.
	check := func(param, path string, anyOf, self bool) error {
		if strings.HasPrefix(path, "@") {
			return nil // @request and @collection are PocketBase's superusers' alone; macros read no record
		}
		multi, counts, end, field := walkQueryPath(app, col, path)
		if counts || (multi && !anyOf) {
			return badRequest(validation.Errors{param: codedError("wuye_query_all_rows")})
		}
		if end != nil && (!mayReadField(auth, end.Name, field) || !self && residentIDHidden(app, auth, end, field)) {
			return badRequest(validation.Errors{param: codedError("wuye_query_hidden_field", end.Name+"."+field)})
		}
		return nil
	}
	if strings.TrimSpace(filter) != "" {
		groups, err := fexpr.Parse(filter)
		if err != nil {
			return nil // PocketBase refuses it as it is
		}
		var walkErr error
		var token func(t fexpr.Token, anyOf, self bool)
		token = func(t fexpr.Token, anyOf, self bool) {
			switch t.Type {
			case fexpr.TokenIdentifier:
				if err := check("filter", t.Literal, anyOf, self); err != nil && walkErr == nil {
					walkErr = err
				}
			case fexpr.TokenFunction:
				// A function's arguments are read row by row: no any-of.
				args, _ := t.Meta.([]fexpr.Token)
				for _, a := range args {
					token(a, false, false)
				}
			}
		}
		var walk func(gs []fexpr.ExprGroup)
		walk = func(gs []fexpr.ExprGroup) {
			for _, g := range gs {
				switch item := g.Item.(type) {
				case fexpr.Expr:
					anyOf := strings.HasPrefix(string(item.Op), "?")
					self := comparesWithSelf(item, auth)
					token(item.Left, anyOf, self)
					token(item.Right, anyOf, self)
				case fexpr.ExprGroup:
					walk([]fexpr.ExprGroup{item})
				case []fexpr.ExprGroup:
					walk(item)
				}
			}
		}
		walk(groups)
		if walkErr != nil {
			return walkErr
		}
	}
	for _, path := range sortPaths(sortBy) {
		if err := check("sort", path, false, false); err != nil {
			return err
		}
	}
	return nil
}

// comparesWithSelf reports whether expression x is "field = <auth's id>"
// (or the other way round), with field a field of the listed record itself.
func comparesWithSelf(x fexpr.Expr, auth *core.Record) bool {
	if auth == nil || (x.Op != fexpr.SignEq && x.Op != fexpr.SignAnyEq) {
		return false
	}
	is := func(field, value fexpr.Token) bool {
		return field.Type == fexpr.TokenIdentifier && !strings.Contains(field.Literal, ".") &&
			value.Type == fexpr.TokenText && value.Literal == auth.Id
	}
	return is(x.Left, x.Right) || is(x.Right, x.Left)
}

// walkQueryPath follows a filter or sort path (e.g.
// "unit.unit_residents_via_unit.resident.phone") from col. multi: it passes
// through a one-to-many relation into other records (a back-relation, or a
// multiple relation field followed by more of the path). counts: it applies
// :length or :each to such a relation or beyond it (a count or an every-row
// test, whatever the operator). end and field: the collection and field it
// names at the end (nil when it ends in something that is not a field, such
// as a JSON key).
func walkQueryPath(app core.App, col *core.Collection, path string) (multi, counts bool, end *core.Collection, field string) {
	segs := strings.Split(path, ".")
	for i, seg := range segs {
		name, modifier, _ := strings.Cut(seg, ":")
		lastSeg := i == len(segs)-1
		if f := col.Fields.GetByName(name); f != nil {
			rf, isRel := f.(*core.RelationField)
			if !isRel || lastSeg {
				return multi, multi && modifier != "" && modifier != "lower", col, name
			}
			next, err := app.FindCachedCollectionByNameOrId(rf.CollectionId)
			if err != nil {
				return multi, false, nil, ""
			}
			if rf.IsMultiple() {
				multi = true
			}
			col = next
			continue
		}
		if m := backRelation.FindStringSubmatch(name); m != nil {
			next, err := app.FindCachedCollectionByNameOrId(m[1])
			if err != nil {
				return multi, false, nil, ""
			}
			if lastSeg {
				return true, modifier != "", next, "id"
			}
			multi, col = true, next
			continue
		}
		return multi, false, nil, ""
	}
	return multi, false, nil, ""
}

// mayReadField reports whether auth may read (and so filter and sort on)
// field of collection.
func mayReadField(auth *core.Record, collection, field string) bool {
	if auth != nil && auth.IsSuperuser() {
		return true
	}
	if field == core.FieldNameEmail {
		// Accounts' e-mails are shown to the account and its managers only;
		// PocketBase filters on them only where they are public, and no page
		// sorts by them.
		if col, ok := authCollections[collection]; ok && col {
			return false
		}
	}
	m, restricted := maskedField(collection, field)
	return !restricted || m.readsInFull(auth)
}
