package hooks

import (
	"errors"
	"reflect"
	"slices"
	"strconv"
	"strings"

	"github.com/ganigeorgiev/fexpr"
	validation "github.com/pocketbase/ozzo-validation/v4"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/hook"
	"github.com/pocketbase/pocketbase/tools/search"
)

// Anonymous complaints. A complainant may ask, when filing (the portal's
// check box, or the desk on a caller's behalf), that the office's staff do
// not learn who complained — all but the supervisor, the director, the
// complaint's handler and its receiver, who need to reach them. Those
// others still see and work the complaint; what they do not get is who and
// where from:
//
//   - every record response hides the complainant's fields (anonymousFields)
//     and their expansions, through OnRecordEnrich, so lists, views,
//     create/update answers, expanded complaints and realtime messages alike;
//     the complaint's events hide the resident, unit and acting resident;
//   - a list whose filter or sort names those fields on the listed record
//     itself leaves anonymous complaints out of the query (its filter gets
//     anonGuard ANDed to it), so a search by phone or unit cannot confirm
//     a guess, and pages and totals stay exact; a realtime subscription
//     with such a filter is not told of them;
//   - a query that reaches those fields of other records through a
//     relation — a back-relation such as residents' complaints_via_resident,
//     a note's complaint.contact_phone, an expand through them — is refused
//     (400), whatever the data: no screen needs it, and a per-row guard
//     cannot be expressed for it (@collection joins are PocketBase's
//     superusers' alone in client queries);
//   - such staff cannot write the complainant's fields either (a write that
//     succeeds only when the value differs would confirm a guess).
//
// The flag is set at intake and never changes: it is not editable in the
// complaint flow (hooks/base_flow.go refuses any changed field that is not).
//
// Why the query guard rather than dropping records from the result in
// OnRecordsListRequest: that hook runs after the query, so dropped records
// would still be counted in totalItems and would leave holes in the pages,
// and both tell whether a hidden complaint matched (a phone number, say).
// Why not refuse every such filter: the desk finds a caller's complaints by
// phone or unit all day; only anonymous complaints must drop out of that.

// anonymousFields are, per collection, the fields that say who complained.
var anonymousFields = map[string][]string{
	// building and the free-text location place the complainant as well as
	// the unit does (issue #16 item 11); the attachments keep neutral names
	// (hooks/complaints_anonymity_files.go).
	"complaints": {"resident", "contact_name", "contact_phone", "unit", "building", "location"},
	"events":     {"resident", "unit", "actor_resident"},
}

// anonGuard is the filter that keeps, in collection, the records a list by
// auth may match on anonymousFields (client filters may not use @request,
// so auth's id is written in). An event carries no flag of its own, so a
// search of the timeline by resident or unit leaves complaint events out
// (the complaints list, filtered by unit, still finds the others).
func anonGuard(collection string, auth *core.Record) string {
	if collection == "events" {
		return `subject_collection != "complaints"`
	}
	id := strconv.Quote(auth.Id)
	return `anonymous = false || handler = ` + id + ` || receiver = ` + id
}

var errAnonymousWithheld = errors.New("anonymous complaint withheld")

func registerComplaintAnonymity(app core.App) {
	app.OnRecordEnrich().BindFunc(enrichAnonymity)
	registerAnonymousAttachments(app)
	// Before the flow's own update hook judges the change.
	app.OnRecordUpdateRequest("complaints").Bind(&hook.Handler[*core.RecordRequestEvent]{
		Func: refuseComplainantWrites, Priority: -10,
	})
	app.OnServe().BindFunc(func(se *core.ServeEvent) error {
		se.Router.BindFunc(guardAnonymousQueries)
		return se.Next()
	})
}

// withheldFrom reports whether auth is one of those an anonymous complaint
// may keep its complainant from: staff other than the supervisor, the
// director and the administration office, which handles the complaints
// about the service center, the only ones it reads (superusers and
// residents are not staff). Whether one complaint does — its handler and
// receiver may know — is complainantHidden's call.
func withheldFrom(auth *core.Record) bool {
	return isStaff(auth) && !hasRole(auth, RoleSupervisor, RoleDirector, RoleAdminOffice)
}

// complainantHidden reports whether complaint c hides its complainant from auth.
func complainantHidden(auth, c *core.Record) bool {
	return c.GetBool("anonymous") && withheldFrom(auth) &&
		c.GetString("handler") != auth.Id && c.GetString("receiver") != auth.Id
}

// hiddenFrom reports whether r (a complaint, or an event of one) hides the
// complainant from auth. An event whose complaint cannot be read hides it.
func hiddenFrom(app core.App, auth, r *core.Record) bool {
	if !withheldFrom(auth) {
		return false
	}
	switch r.Collection().Name {
	case "complaints":
		return complainantHidden(auth, r)
	case "events":
		if r.GetString("subject_collection") != "complaints" {
			return false
		}
		c, err := app.FindRecordById("complaints", r.GetString("subject_id"))
		return err != nil || complainantHidden(auth, c)
	}
	return false
}

// enrichAnonymity hides the complainant in every record response, and
// withholds from a realtime subscription what its filter or expand could
// learn about an anonymous complaint.
func enrichAnonymity(e *core.RecordEnrichEvent) error {
	auth := e.RequestInfo.Auth
	if !withheldFrom(auth) {
		return e.Next()
	}
	hidden := hiddenFrom(e.App, auth, e.Record)
	if e.RequestInfo.Context == core.RequestInfoContextRealtime {
		// The subscription's options are its list request: what the list
		// would refuse or leave out, the subscriber is not told of.
		row, refused := anonReach(e.App, e.Record.Collection(), filterPaths(e.RequestInfo.Query[search.FilterQueryParam]))
		_, refusedExpand := anonReach(e.App, e.Record.Collection(), expandPaths(e.RequestInfo.Query["expand"]))
		if refused || refusedExpand || (row && hidden) {
			return errAnonymousWithheld // PocketBase skips this message for this subscriber
		}
	}
	fields := anonymousFields[e.Record.Collection().Name]
	if hidden {
		e.Record.Hide(fields...)
	}
	if err := e.Next(); err != nil {
		return err
	}
	if hidden {
		// Expansions are made after the hooks and are not hidden with their field.
		if expand := e.Record.Expand(); len(expand) > 0 {
			for _, f := range fields {
				delete(expand, f)
			}
			e.Record.SetExpand(expand)
		}
	}
	return nil
}

// refuseComplainantWrites refuses a write of the complainant's fields by
// staff an anonymous complaint hides them from, whatever the value: that a
// write changes nothing would tell them their guess was right.
func refuseComplainantWrites(e *core.RecordRequestEvent) error {
	if complainantHidden(e.Auth, e.Record.Original()) {
		info, err := e.RequestInfo()
		if err != nil {
			return err
		}
		for key := range info.Body {
			name := strings.TrimSuffix(strings.TrimSuffix(strings.TrimPrefix(key, "+"), "+"), "-")
			if slices.Contains(anonymousFields["complaints"], name) {
				return badRequest(validation.Errors{name: codedError("wuye_field_locked")})
			}
		}
	}
	return e.Next()
}

type queryPart struct {
	name  string // the query parameter
	paths []string
}

// guardAnonymousQueries is the router middleware for the records API: for
// staff the complainant may be withheld from, a list whose filter or sort
// names the complainant's fields of the listed records gets the
// collection's guard ANDed to its filter, and any query reaching those
// fields of other records is refused.
func guardAnonymousQueries(e *core.RequestEvent) error {
	name := e.Request.PathValue("collection")
	if name == "" || !withheldFrom(e.Auth) {
		return e.Next()
	}
	col, err := e.App.FindCachedCollectionByNameOrId(name)
	if err != nil {
		return e.Next() // PocketBase answers for an unknown collection
	}
	query := e.Request.URL.Query()
	parts := []queryPart{{"expand", expandPaths(query.Get("expand"))}}
	list := e.Request.Pattern == listPattern
	if list {
		parts = append(parts,
			queryPart{"filter", filterPaths(query.Get(search.FilterQueryParam))},
			queryPart{"sort", sortPaths(query.Get(search.SortQueryParam))})
	}
	row := false
	for _, q := range parts {
		r, refused := anonReach(e.App, col, q.paths)
		if refused {
			return badRequest(validation.Errors{q.name: codedError("wuye_anonymous_query")})
		}
		row = row || (r && q.name != "expand") // an expand of the record's own fields is stripped instead
	}
	if row && list {
		filter, ok := guardFilter(query.Get(search.FilterQueryParam), anonGuard(col.Name, e.Auth))
		if !ok {
			return badRequest(validation.Errors{"filter": codedError("wuye_anonymous_query")})
		}
		query.Set(search.FilterQueryParam, filter)
		e.Request.URL.RawQuery = query.Encode()
	}
	return e.Next()
}

// anonReach walks field paths (as in a filter, sort or expand) from
// collection base through relations and back-relations. row: a path names a
// complainant field of the base record itself. refused: a path reaches one
// of another record, or joins through one. Paths starting with @ (@request,
// @collection, macros) are left to PocketBase, which refuses the first two
// in client queries of anyone but superusers.
func anonReach(app core.App, base *core.Collection, paths []string) (row, refused bool) {
	for _, p := range paths {
		if strings.HasPrefix(p, "@") {
			continue
		}
		col, remote := base, false
		for _, seg := range strings.Split(p, ".") {
			seg = bare(seg)
			if slices.Contains(anonymousFields[col.Name], seg) {
				if remote {
					refused = true
				} else {
					row = true
				}
			}
			if f, ok := col.Fields.GetByName(seg).(*core.RelationField); ok {
				next, err := app.FindCachedCollectionByNameOrId(f.CollectionId)
				if err != nil {
					break
				}
				col, remote = next, true
				continue
			}
			if m := backRelation.FindStringSubmatch(seg); m != nil {
				next, err := app.FindCachedCollectionByNameOrId(m[1])
				if err != nil {
					break
				}
				if slices.Contains(anonymousFields[next.Name], m[2]) {
					refused = true
				}
				col, remote = next, true
				continue
			}
			break
		}
	}
	return row, refused
}

// guardFilter is "(filter) && (guard)", checked to parse as exactly that:
// a filter that would read differently once wrapped (a comment hiding a
// bracket, say) is refused rather than sent on with the guard misapplied.
func guardFilter(filter, guard string) (string, bool) {
	if strings.TrimSpace(filter) == "" {
		return guard, true
	}
	orig, err := fexpr.Parse(filter)
	if err != nil {
		return filter, true // PocketBase refuses it as it is
	}
	guardExpr, err := fexpr.Parse(guard)
	if err != nil {
		return "", false
	}
	wrapped := "(\n" + filter + "\n) && (" + guard + ")"
	got, err := fexpr.Parse(wrapped)
	want := []fexpr.ExprGroup{{Join: fexpr.JoinAnd, Item: orig}, {Join: fexpr.JoinAnd, Item: guardExpr}}
	if err != nil || !reflect.DeepEqual(got, want) {
		return "", false
	}
	return wrapped, true
}
