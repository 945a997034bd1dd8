package hooks_test

// The permission matrix (issue #11): every collection of the live schema ×
// every kind of caller × every operation, checked against the table declared
// in permissions_table_test.go, plus the side channels around it (filters,
// sorts, expands, realtime, protected files).
//
// How each operation is observed:
//
//   - list: GET /api/collections/{c}/records as the caller; the ids returned
//     must be exactly the records the declared scope names, over every record
//     of the collection; every item (and every expanded record in it) shows
//     exactly its declared fields for that caller.
//   - view: the view rule evaluated for the caller over the sampled records
//     (PocketBase's own resolver, as its view route and CanAccessRecord use
//     it), confirmed by GET /api/collections/{c}/records/{id} on some of them.
//   - create, update, delete: the API rule evaluated for the caller — create
//     as PocketBase's dry run does, on a body copied from each sampled record
//     (could the caller file a record like this one?) — confirmed over HTTP:
//     refused probes must answer 403/404 (or the create rule's 400 without
//     field errors), admitted ones anything else. Probes never change data:
//     their bodies carry one field over its length limit, and deletions are
//     tried on copies. Hooks narrow admitted writes further (flow tables,
//     locked fields); the matrix is about who gets that far.
//   - realtime: each caller has a subscriber registered with PocketBase's
//     broker for c/* and for c/{id} of every sample; a change of each sample
//     is broadcast through PocketBase's own realtime code, and the test
//     records, in an enrich hook at the outermost position, which messages
//     passed every check (rule and every Wuye hook) and would be sent.
//     That is exactly the send decision, without waiting on goroutines.
//   - file: GET /api/files/{c}/{id}/{name} without a token must fail for
//     every protected file; with a file token of the caller it succeeds
//     exactly for the declared scope.
//
// Leaks: residents' responses over every collection, plain and with every
// relation and back-relation expanded, must not contain another household's
// names, phones, e-mails or ids; filters through relations must give the
// same answer for a secret and for a nonsense value (the oracle test); a
// filter or sort through a multi-valued relation with an all-rows operator
// (whose subquery PocketBase does not guard by the related collection's
// rule) must be refused; fields hidden or masked from a caller can be
// neither filtered nor sorted on by them.
//
// go test ./hooks -run TestPermissionMatrix -update-permissions-doc rewrites
// docs/PERMISSIONS.md from the verified table.

import (
	"encoding/json"
	"flag"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"regexp"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/apis"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tests"
	"github.com/pocketbase/pocketbase/tools/hook"
	"github.com/pocketbase/pocketbase/tools/inflector"
	"github.com/pocketbase/pocketbase/tools/search"
	"github.com/pocketbase/pocketbase/tools/subscriptions"

	"wuye/internal/testapp"
)

var updatePermissionsDoc = flag.Bool("update-permissions-doc", false,
	"write docs/PERMISSIONS.md from the verified permission table")

// matrixOps are the operations of the matrix, in the table's column order.
var matrixOps = []string{"list", "view", "create", "update", "delete", "realtime", "file"}

// facts say whom a record belongs to; the scope words of the table are
// defined over them (scopeWord). recordFacts in the table file computes them
// per collection.
type facts struct {
	communities  []string // the communities it belongs to
	units        []string // the units it concerns (a resident living in one sees it under "unit")
	owners       []string // the accounts whose own record it is ("self")
	assigned     []string // the staff it is assigned to ("assigned")
	assignedOnly bool     // staff who do not see their whole community see it only when assigned
	confidential bool     // about the service center: of staff, supervisors and directors only
	about        string   // the staff member it is about, who never sees it
	staffOnly    bool     // never for residents (an inactive price-list item)
}

// caller is one kind of caller of the matrix: a demo account.
type caller struct {
	name, email string
	auth        *core.Record
	kind        string // anonymous, resident, staff, superuser
	role        string // the staff role
	communities map[string]bool
	units       map[string]bool // units the resident currently lives in
	linked      map[string]bool // units the resident was ever linked to
}

func (c *caller) id() string {
	if c.auth == nil {
		return ""
	}
	return c.auth.Id
}

// inScope reports whether a record with facts f is within scope (words
// joined by "+") for caller c.
func inScope(scope string, c *caller, f facts) bool {
	for _, w := range strings.Split(scope, "+") {
		if scopeWord(w, c, f) {
			return true
		}
	}
	return false
}

var scopeWords = []string{"none", "all", "community", "open", "assigned", "unit", "self"}

func scopeWord(word string, c *caller, f facts) bool {
	switch word {
	case "none", "-":
		return false
	case "all":
		return true
	case "community":
		return c.serves(f)
	case "open":
		return c.serves(f) && !f.assignedOnly
	case "assigned":
		return c.serves(f) && slices.Contains(f.assigned, c.id())
	case "unit":
		return !f.staffOnly && overlaps(f.units, c.units)
	case "self":
		return !f.staffOnly && c.id() != "" && slices.Contains(f.owners, c.id())
	}
	panic("unknown scope word " + word)
}

// serves: the record is of one of c's communities (for a resident: one they
// live in) and not withheld from c by its confidentiality.
func (c *caller) serves(f facts) bool {
	if c.kind == "resident" && f.staffOnly {
		return false
	}
	if f.about != "" && f.about == c.id() {
		return false
	}
	if f.confidential && c.kind == "staff" && c.role != "supervisor" && c.role != "director" {
		return false
	}
	return overlaps(f.communities, c.communities)
}

func overlaps(list []string, set map[string]bool) bool {
	for _, v := range list {
		if v != "" && set[v] {
			return true
		}
	}
	return false
}

// ---- the declared table

type fieldRule struct {
	kind    byte            // 0: everyone who reads the record; '!': nobody; '{': only callers; '~': masked but for callers; '?': depends on the record
	callers map[string]bool // caller names, and "self" for the account itself
}

type collDecl struct {
	name   string
	fields map[string]fieldRule
	extra  map[string]fieldRule // computed keys a response may carry
	order  []string
	rows   map[string][]string // caller → scope per operation
	notes  []string
}

var fieldToken = regexp.MustCompile(`^(\+?)(\w+)(!|\?|~?\{[^}]*\})?$`)

// parseTable reads the declared table; a malformed line is a test failure.
func parseTable(t testing.TB, src string) map[string]*collDecl {
	t.Helper()
	decls := map[string]*collDecl{}
	var cur *collDecl
	for n, line := range strings.Split(src, "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		fail := func(format string, args ...any) {
			t.Fatalf("permission table line %d (%q): %s", n+1, line, fmt.Sprintf(format, args...))
		}
		words := strings.Fields(line)
		switch words[0] {
		case "collection":
			if len(words) != 2 || decls[words[1]] != nil {
				fail("want one new collection name")
			}
			cur = &collDecl{name: words[1], fields: map[string]fieldRule{}, extra: map[string]fieldRule{}, rows: map[string][]string{}}
			decls[cur.name] = cur
			continue
		}
		if cur == nil {
			fail("outside a collection")
		}
		switch words[0] {
		case "fields":
			for _, tok := range words[1:] {
				m := fieldToken.FindStringSubmatch(tok)
				if m == nil {
					fail("bad field %q", tok)
				}
				r := fieldRule{}
				switch {
				case m[3] == "!":
					r.kind = '!'
				case m[3] == "?":
					r.kind = '?'
				case strings.HasPrefix(m[3], "~"):
					r.kind = '~'
				case strings.HasPrefix(m[3], "{"):
					r.kind = '{'
				}
				if r.kind == '{' || r.kind == '~' {
					r.callers = map[string]bool{}
					for _, name := range strings.Split(strings.Trim(m[3], "~{}"), ",") {
						if name == "self" {
							r.callers[name] = true
							continue
						}
						names, ok := expandCallers(name)
						if !ok {
							fail("unknown caller %q in %q", name, tok)
						}
						for _, c := range names {
							r.callers[c] = true
						}
					}
				}
				target := cur.fields
				if m[1] == "+" {
					target = cur.extra
				}
				if _, dup := target[m[2]]; dup {
					fail("field %s twice", m[2])
				}
				target[m[2]] = r
				cur.order = append(cur.order, tok)
			}
		case "note":
			cur.notes = append(cur.notes, strings.TrimSpace(strings.TrimPrefix(line, "note")))
		default:
			if len(words) < len(matrixOps)+1 {
				fail("a row is callers then %d scopes", len(matrixOps))
			}
			scopes := words[len(words)-len(matrixOps):]
			for _, s := range scopes {
				for _, w := range strings.Split(s, "+") {
					if w != "-" && !slices.Contains(scopeWords, w) {
						fail("unknown scope %q", w)
					}
				}
			}
			for _, name := range words[:len(words)-len(matrixOps)] {
				names, ok := expandCallers(name)
				if !ok {
					fail("unknown caller %q", name)
				}
				for _, c := range names {
					if cur.rows[c] != nil {
						fail("caller %s twice in %s", c, cur.name)
					}
					cur.rows[c] = scopes
				}
			}
		}
	}
	return decls
}

func expandCallers(name string) ([]string, bool) {
	if g, ok := callerGroups[name]; ok {
		return g, true
	}
	for _, c := range matrixCallers {
		if c.name == name {
			return []string{name}, true
		}
	}
	return nil, false
}

// ---- the world the matrix runs in

type world struct {
	t       *testing.T
	app     *tests.TestApp
	h       http.Handler
	decls   map[string]*collDecl
	names   []string // Wuye's collections, in schema order
	cols    map[string]*core.Collection
	recs    map[string][]*core.Record
	byID    map[string]*core.Record // "collection/id"
	facts   map[string]facts        // "collection/id"
	samples map[string][]*core.Record
	callers []*caller

	unitsInBuilding  map[string][]string
	unitsInCommunity map[string][]string
	linksOf          map[string][]*core.Record // resident id → links
	listed           map[string]map[string]map[string]bool
	observed         map[string]map[string][]string // collection → caller → observed scope per op (doc and hints)
	mu               sync.Mutex

	requests, cells, decisions int // for the summary line
}

func (w *world) get(collection, id string) *core.Record {
	return w.byID[collection+"/"+id]
}

// str is field of the record that relation field rel of r points at.
func (w *world) str(r *core.Record, rel, collection, field string) string {
	target := w.get(collection, r.GetString(rel))
	if target == nil {
		return ""
	}
	return target.GetString(field)
}

func (w *world) factsOf(r *core.Record) facts {
	return w.facts[r.Collection().Name+"/"+r.Id]
}

func newWorld(t *testing.T) *world {
	app := testapp.New(t)
	w := &world{t: t, app: app, decls: parseTable(t, permissionTable),
		cols: map[string]*core.Collection{}, recs: map[string][]*core.Record{}, byID: map[string]*core.Record{},
		facts: map[string]facts{}, samples: map[string][]*core.Record{},
		unitsInBuilding: map[string][]string{}, unitsInCommunity: map[string][]string{}, linksOf: map[string][]*core.Record{},
		listed: map[string]map[string]map[string]bool{}, observed: map[string]map[string][]string{}}
	seedMatrix(t, app)
	w.h = testapp.Handler(t, app)
	all, err := app.FindAllCollections()
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range all {
		w.cols[c.Name] = c
		if !c.System {
			w.names = append(w.names, c.Name)
		}
	}
	w.load()
	w.loadCallers()
	return w
}

// load reads every record of Wuye's collections and computes their facts.
func (w *world) load() {
	for _, name := range w.names {
		recs, err := w.app.FindAllRecords(name)
		if err != nil {
			w.t.Fatal(err)
		}
		sort.Slice(recs, func(i, j int) bool { return recs[i].Id < recs[j].Id })
		w.recs[name] = recs
		for _, r := range recs {
			w.byID[name+"/"+r.Id] = r
		}
	}
	for _, u := range w.recs["units"] {
		w.unitsInBuilding[u.GetString("building")] = append(w.unitsInBuilding[u.GetString("building")], u.Id)
		w.unitsInCommunity[u.GetString("community")] = append(w.unitsInCommunity[u.GetString("community")], u.Id)
	}
	for _, l := range w.recs["unit_residents"] {
		w.linksOf[l.GetString("resident")] = append(w.linksOf[l.GetString("resident")], l)
	}
	for _, name := range w.names {
		fn := recordFacts[name]
		if fn == nil {
			continue // reported by the schema check
		}
		for _, r := range w.recs[name] {
			w.facts[name+"/"+r.Id] = fn(w, r)
		}
	}
	for _, name := range w.names {
		w.samples[name] = w.sample(name)
	}
}

// sample picks the records the per-record operations are tried on: all of
// a small collection; of a large one, the records of each distinct kind of
// ownership (up to two each), which keeps own, neighbour's and the other
// community's records in.
func (w *world) sample(name string) []*core.Record {
	recs := w.recs[name]
	if len(recs) <= 30 {
		return recs
	}
	seen := map[string]int{}
	var out []*core.Record
	for _, r := range recs {
		f := w.factsOf(r)
		key := fmt.Sprint(f.communities, w.namedUnits(f.units), w.namedAccounts(f.owners), w.namedAccounts(f.assigned),
			f.assignedOnly, f.confidential, f.about != "", f.staffOnly)
		if seen[key] < 2 {
			seen[key]++
			out = append(out, r)
		}
	}
	return out
}

// namedUnits keeps the units the named demo residents are linked to.
func (w *world) namedUnits(units []string) []string {
	var out []string
	for _, u := range units {
		for _, c := range w.callers {
			if c.linked[u] {
				out = append(out, u)
				break
			}
		}
	}
	return out
}

func (w *world) namedAccounts(ids []string) []string {
	var out []string
	for _, id := range ids {
		for _, c := range w.callers {
			if c.id() == id {
				out = append(out, id)
			}
		}
	}
	return out
}

func (w *world) loadCallers() {
	for _, mc := range matrixCallers {
		c := &caller{name: mc.name, email: mc.email, communities: map[string]bool{}, units: map[string]bool{}, linked: map[string]bool{}}
		switch {
		case mc.email == "":
			c.kind = "anonymous"
		case mc.email == "root@example.com":
			c.kind = "superuser"
			su, err := w.app.FindAuthRecordByEmail(core.CollectionNameSuperusers, mc.email)
			if err != nil {
				w.t.Fatal(err)
			}
			c.auth = su
		default:
			if r, err := w.app.FindAuthRecordByEmail("staff", mc.email); err == nil {
				c.kind, c.auth, c.role = "staff", r, r.GetString("role")
				for _, id := range r.GetStringSlice("communities") {
					c.communities[id] = true
				}
			} else if r, err := w.app.FindAuthRecordByEmail("residents", mc.email); err == nil {
				c.kind, c.auth = "resident", r
				for _, l := range w.linksOf[r.Id] {
					c.linked[l.GetString("unit")] = true
					if l.GetBool("active") {
						c.units[l.GetString("unit")] = true
						c.communities[w.str(l, "unit", "units", "community")] = true
					}
				}
			} else {
				w.t.Fatalf("no demo account %s", mc.email)
			}
		}
		w.callers = append(w.callers, c)
	}
	// Samples depend on which units and accounts are the named ones.
	for _, name := range w.names {
		w.samples[name] = w.sample(name)
	}
}

// ---- requests

func (w *world) do(c *caller, method, url, body string) (int, string) {
	w.requests++
	return testapp.Do(w.t, w.h, method, url, body, c.email)
}

type listAnswer struct {
	status int
	body   string
	items  []map[string]any
}

func (w *world) list(c *caller, collection string, query url.Values) listAnswer {
	if query == nil {
		query = url.Values{}
	}
	query.Set("perPage", "1000")
	query.Set("skipTotal", "1")
	status, body := w.do(c, http.MethodGet, "/api/collections/"+collection+"/records?"+query.Encode(), "")
	a := listAnswer{status: status, body: body}
	if status == http.StatusOK {
		var out struct {
			Items []map[string]any `json:"items"`
		}
		if err := json.Unmarshal([]byte(body), &out); err != nil {
			w.t.Fatalf("list %s: %v", collection, err)
		}
		a.items = out.Items
	}
	return a
}

func (a listAnswer) ids() map[string]bool {
	out := map[string]bool{}
	for _, it := range a.items {
		out[fmt.Sprint(it["id"])] = true
	}
	return out
}

// requestInfo is what PocketBase hands a rule for c's request.
func requestInfo(c *caller, method string, body map[string]any) *core.RequestInfo {
	if body == nil {
		body = map[string]any{}
	}
	return &core.RequestInfo{Context: core.RequestInfoContextDefault, Method: method, Auth: c.auth,
		Query: map[string]string{}, Headers: map[string]string{}, Body: body}
}

// ruleSet is the set of records of collection that rule admits for c,
// evaluated the way PocketBase evaluates it for a request.
func (w *world) ruleSet(c *caller, collection string, rule *string, method string) map[string]bool {
	col := w.cols[collection]
	out := map[string]bool{}
	info := requestInfo(c, method, nil)
	if !info.HasSuperuserAuth() && rule == nil {
		return out
	}
	q := w.app.DB().Select("{{" + collection + "}}.[[id]]").Distinct(true).From(collection)
	if !info.HasSuperuserAuth() && *rule != "" {
		resolver := core.NewRecordFieldResolver(w.app, col, info, true)
		expr, err := search.FilterData(*rule).BuildExpr(resolver)
		if err != nil {
			w.t.Fatalf("%s rule: %v", collection, err)
		}
		q.AndWhere(expr)
		if err := resolver.UpdateQuery(q); err != nil {
			w.t.Fatalf("%s rule joins: %v", collection, err)
		}
	}
	var ids []string
	if err := q.Column(&ids); err != nil {
		w.t.Fatalf("%s rule query: %v", collection, err)
	}
	for _, id := range ids {
		out[id] = true
	}
	return out
}

// createAdmitted runs the create rule on a record made of body, as
// PocketBase's create route does before any hook: in a CTE standing in for
// the new row.
func (w *world) createAdmitted(c *caller, collection string, body map[string]any) bool {
	col := w.cols[collection]
	info := requestInfo(c, http.MethodPost, body)
	if info.HasSuperuserAuth() {
		return true
	}
	if col.CreateRule == nil {
		return false
	}
	if *col.CreateRule == "" {
		return true
	}
	r := core.NewRecord(col)
	r.Load(body)
	r.Id = "__matrix_probe__"
	export, err := r.DBExport(w.app)
	if err != nil {
		w.t.Fatal(err)
	}
	params := dbx.Params{}
	var selects []string
	for k, v := range export {
		k = inflector.Columnify(k)
		params["__probe_"+k] = v
		selects = append(selects, "{:__probe_"+k+"} AS [["+k+"]]")
	}
	dummy := *col
	dummy.Id += "__probe"
	dummy.Name += "__probe"
	q := w.app.DB().Select("(1)").PreFragment(fmt.Sprintf("WITH {{%s}} as (SELECT %s)", dummy.Name, strings.Join(selects, ","))).
		From(dummy.Name).AndBind(params)
	resolver := core.NewRecordFieldResolver(w.app, &dummy, info, true)
	expr, err := search.FilterData(*dummy.CreateRule).BuildExpr(resolver)
	if err != nil {
		w.t.Fatalf("%s create rule: %v", collection, err)
	}
	q.AndWhere(expr)
	if err := resolver.UpdateQuery(q); err != nil {
		w.t.Fatal(err)
	}
	var exists int
	err = q.Limit(1).Row(&exists)
	return err == nil && exists > 0
}

// ---- the test

func TestPermissionMatrix(t *testing.T) {
	w := newWorld(t)

	t.Run("schema is declared", w.checkSchema)
	if t.Failed() {
		return
	}
	t.Run("system collections", w.checkSystemCollections)
	t.Run("reads", func(t *testing.T) {
		for _, name := range w.names {
			t.Run(name, func(t *testing.T) {
				t.Run("list", func(t *testing.T) { w.checkList(t, name) })
				t.Run("view", func(t *testing.T) { w.checkView(t, name) })
				t.Run("realtime", func(t *testing.T) { w.checkRealtime(t, name) })
				t.Run("file", func(t *testing.T) { w.checkFiles(t, name) })
			})
		}
	})
	// The leak checks read which records each caller lists (from "reads").
	t.Run("leaks", func(t *testing.T) {
		t.Run("residents' responses carry no other household", w.checkResidentBodies)
		t.Run("restricted fields cannot be filtered or sorted", w.checkRestrictedFilters)
		t.Run("multi-valued relations refuse all-rows operators", w.checkMultiMatchRefused)
		t.Run("filters through relations are no oracle", w.checkOracle)
	})
	// Writes last: their probes must not change data, but if one did it
	// could not disturb the reads above.
	t.Run("writes", func(t *testing.T) {
		for _, name := range w.names {
			t.Run(name, func(t *testing.T) {
				t.Run("update", func(t *testing.T) { w.checkWrite(t, name, "update") })
				t.Run("create", func(t *testing.T) { w.checkCreate(t, name) })
				t.Run("delete", func(t *testing.T) { w.checkWrite(t, name, "delete") })
			})
		}
	})
	t.Logf("%d cell checks (collection × caller × operation) over %d record decisions; %d HTTP requests",
		w.cells, w.decisions, w.requests)
	if *updatePermissionsDoc {
		if t.Failed() {
			t.Fatal("not writing docs/PERMISSIONS.md: the matrix does not hold")
		}
		if err := os.WriteFile("../docs/PERMISSIONS.md", []byte(w.markdown()), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// checkSchema: every collection and every field of the live schema has a
// declared row, and the table declares nothing that is not there.
func (w *world) checkSchema(t *testing.T) {
	for _, name := range w.names {
		d := w.decls[name]
		if d == nil {
			t.Errorf("collection %s has no declared permissions: add it to permissionTable", name)
			continue
		}
		if recordFacts[name] == nil {
			t.Errorf("collection %s has no recordFacts entry (whose are its records?)", name)
		}
		for _, c := range matrixCallers {
			if d.rows[c.name] == nil {
				t.Errorf("%s: no row for caller %s", name, c.name)
			}
		}
		for _, f := range w.cols[name].Fields {
			if _, ok := d.fields[f.GetName()]; !ok {
				t.Errorf("%s.%s has no declared readers: add it to the collection's fields line", name, f.GetName())
			}
		}
		for f := range d.fields {
			if w.cols[name].Fields.GetByName(f) == nil {
				t.Errorf("%s.%s is declared but not in the schema", name, f)
			}
		}
		hasFile := false
		for _, f := range w.cols[name].Fields {
			if ff, ok := f.(*core.FileField); ok {
				hasFile = true
				if !ff.Protected {
					t.Errorf("%s.%s: files must be protected (they carry residents' documents and photos)", name, f.GetName())
				}
			}
		}
		for caller, row := range d.rows {
			if (row[6] == "-") == hasFile {
				t.Errorf("%s: caller %s: the file column must be - exactly when the collection has no file field", name, caller)
			}
		}
	}
	for name := range w.decls {
		if w.cols[name] == nil || w.cols[name].System {
			t.Errorf("declared collection %s is not in the schema", name)
		}
	}
}

// checkSystemCollections: PocketBase's own collections are the superusers'
// alone.
func (w *world) checkSystemCollections(t *testing.T) {
	su := w.callerNamed("superuser")
	for name, col := range w.cols {
		if !col.System {
			continue
		}
		// PocketBase's own records of an account (its MFA, OTP, OAuth2 and
		// sign-in origins) are readable by that account alone.
		for _, rule := range []*string{col.ListRule, col.ViewRule, col.CreateRule, col.UpdateRule, col.DeleteRule} {
			if rule != nil && (name == core.CollectionNameSuperusers || *rule != ownRecordsOnly) {
				t.Errorf("system collection %s has the rule %q", name, *rule)
			}
		}
		for _, c := range w.callers {
			if a := w.list(c, name, nil); c.kind != "superuser" && a.status == http.StatusOK && len(a.items) > 0 {
				t.Errorf("%s lists %s: %s", c.name, name, first1(a.body))
			}
		}
		if name == core.CollectionNameSuperusers {
			for _, c := range w.callers {
				if c.kind == "superuser" {
					continue
				}
				status, body := w.do(c, http.MethodGet, "/api/collections/"+name+"/records/"+su.id(), "")
				if status == http.StatusOK {
					t.Errorf("%s views a superuser: %s", c.name, body)
				}
				status, _ = w.do(c, http.MethodPost, "/api/collections/"+name+"/records",
					`{"email":"x@example.com","password":"1234567890","passwordConfirm":"1234567890"}`)
				if status != http.StatusForbidden {
					t.Errorf("%s creating a superuser: status %d, want 403", c.name, status)
				}
			}
		}
	}
	// Realtime: nobody but a superuser hears of a superuser record.
	got := w.broadcast(t, core.CollectionNameSuperusers, []*core.Record{su.auth})
	for key := range got {
		if !strings.HasPrefix(key, su.id()+"|") {
			t.Errorf("realtime message about a superuser to %s", key)
		}
	}
}

const ownRecordsOnly = "@request.auth.id != '' && recordRef = @request.auth.id && collectionRef = @request.auth.collectionId"

func (w *world) callerNamed(name string) *caller {
	for _, c := range w.callers {
		if c.name == name {
			return c
		}
	}
	panic(name)
}

// expected is the set of records of collection (all of them, or the
// samples) that op's declared scope gives c.
func (w *world) expected(c *caller, collection, op string, recs []*core.Record) map[string]bool {
	scope := w.decls[collection].rows[c.name][slices.Index(matrixOps, op)]
	out := map[string]bool{}
	for _, r := range recs {
		f := w.factsOf(r)
		if op == "create" && collection == "complaints" {
			// Whom a complaint is about does not limit who may file one like it.
			f.about, f.confidential = "", false
		}
		if inScope(scope, c, f) {
			out[r.Id] = true
		}
	}
	return out
}

// compare reports the records where got and want differ; a record got but
// not wanted is a leak.
func (w *world) compare(t *testing.T, c *caller, collection, op string, recs []*core.Record, got, want map[string]bool) {
	t.Helper()
	w.cells++
	w.decisions += len(recs)
	w.observe(c, collection, op, recs, got)
	var leaks, missing []string
	for _, r := range recs {
		switch {
		case got[r.Id] && !want[r.Id]:
			leaks = append(leaks, w.describe(r))
		case want[r.Id] && !got[r.Id]:
			missing = append(missing, w.describe(r))
		}
	}
	if len(leaks)+len(missing) == 0 {
		return
	}
	scope := w.decls[collection].rows[c.name][slices.Index(matrixOps, op)]
	msg := fmt.Sprintf("%s %s as %s: declared %q, observed %q", op, collection, c.name, scope, w.observedScope(c, collection, op))
	if len(leaks) > 0 {
		msg += fmt.Sprintf("\n  BEYOND THE DECLARED SCOPE (%d): %s", len(leaks), strings.Join(first(leaks, 5), "; "))
	}
	if len(missing) > 0 {
		msg += fmt.Sprintf("\n  declared but refused (%d): %s", len(missing), strings.Join(first(missing, 5), "; "))
	}
	t.Error(msg)
}

func first(list []string, n int) []string {
	if len(list) > n {
		return append(list[:n:n], "…")
	}
	return list
}

func (w *world) describe(r *core.Record) string {
	f := w.factsOf(r)
	return fmt.Sprintf("%s{communities:%v units:%v owners:%v assigned:%v}", r.Id, w.codes(f.communities), w.codes(f.units), w.codes(f.owners), w.codes(f.assigned))
}

// codes names demo records for messages (a unit as 1-101, an account by e-mail).
func (w *world) codes(ids []string) []string {
	var out []string
	for _, id := range ids {
		switch {
		case w.get("units", id) != nil:
			u := w.get("units", id)
			out = append(out, w.str(u, "building", "buildings", "code")+"-"+u.GetString("number"))
		case w.get("communities", id) != nil:
			out = append(out, w.get("communities", id).GetString("code"))
		case w.get("staff", id) != nil:
			out = append(out, w.get("staff", id).GetString("email"))
		case w.get("residents", id) != nil:
			out = append(out, w.get("residents", id).GetString("email"))
		default:
			out = append(out, id)
		}
	}
	return out
}

// observe keeps the scope that describes what c got, for the messages and
// the generated document.
func (w *world) observe(c *caller, collection, op string, recs []*core.Record, got map[string]bool) {
	scope := "?"
	for _, candidate := range scopeCandidates {
		ok := true
		for _, r := range recs {
			if inScope(candidate, c, w.factsOf(r)) != got[r.Id] {
				ok = false
				break
			}
		}
		if ok {
			scope = candidate
			break
		}
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.observed[collection] == nil {
		w.observed[collection] = map[string][]string{}
	}
	if w.observed[collection][c.name] == nil {
		w.observed[collection][c.name] = make([]string, len(matrixOps))
	}
	w.observed[collection][c.name][slices.Index(matrixOps, op)] = scope
}

var scopeCandidates = []string{"none", "self", "unit", "self+unit", "assigned", "open+assigned", "community", "community+self", "all"}

func (w *world) observedScope(c *caller, collection, op string) string {
	w.mu.Lock()
	defer w.mu.Unlock()
	if o := w.observed[collection][c.name]; o != nil {
		return o[slices.Index(matrixOps, op)]
	}
	return "?"
}

// ---- list and fields

// listedBy is the set of records of collection that c lists (cached).
func (w *world) listedBy(c *caller, collection string) map[string]bool {
	if got := w.listed[collection][c.name]; got != nil {
		return got
	}
	got := w.list(c, collection, nil).ids()
	if w.listed[collection] == nil {
		w.listed[collection] = map[string]map[string]bool{}
	}
	w.listed[collection][c.name] = got
	return got
}

func (w *world) checkList(t *testing.T, name string) {
	w.listed[name] = map[string]map[string]bool{}
	for _, c := range w.callers {
		a := w.list(c, name, nil)
		if a.status != http.StatusOK && a.status != http.StatusForbidden {
			t.Errorf("list %s as %s: status %d %s", name, c.name, a.status, a.body)
		}
		got := a.ids()
		w.listed[name][c.name] = got
		w.compare(t, c, name, "list", w.recs[name], got, w.expected(c, name, "list", w.recs[name]))
		for _, it := range a.items {
			w.checkFields(t, c, it, "list "+name)
		}
	}
}

var metaKeys = []string{"collectionId", "collectionName", "expand"}

// checkFields: item (a record as JSON, expansions included) shows exactly
// the fields its collection declares for c.
func (w *world) checkFields(t *testing.T, c *caller, item map[string]any, where string) {
	t.Helper()
	colName, _ := item["collectionName"].(string)
	d := w.decls[colName]
	if d == nil {
		t.Errorf("%s as %s: item of undeclared collection %q", where, c.name, colName)
		return
	}
	id := fmt.Sprint(item["id"])
	raw := w.get(colName, id)
	for key := range item {
		_, isField := d.fields[key]
		_, isExtra := d.extra[key]
		if !isField && !isExtra && !slices.Contains(metaKeys, key) {
			t.Errorf("%s as %s: %s carries undeclared key %q", where, c.name, colName, key)
		}
	}
	for name, rule := range d.fields {
		_, present := item[name]
		readable := rule.kind == 0 || rule.kind == '~' || (rule.kind == '{' && (rule.callers[c.name] || (rule.callers["self"] && id == c.id())))
		switch {
		case rule.kind == '?':
		case readable && !present:
			t.Errorf("%s as %s: %s.%s missing", where, c.name, colName, name)
		case !readable && present:
			t.Errorf("%s as %s: %s.%s shown (declared %v)", where, c.name, colName, name, keys(rule.callers))
		case rule.kind == '~' && !rule.callers[c.name] && raw != nil && raw.GetString(name) != "" && item[name] == raw.GetString(name):
			t.Errorf("%s as %s: %s.%s shown unmasked", where, c.name, colName, name)
		}
	}
	for name, rule := range d.extra {
		if _, present := item[name]; present && !rule.callers[c.name] {
			t.Errorf("%s as %s: %s carries %s", where, c.name, colName, name)
		}
	}
	if exp, ok := item["expand"].(map[string]any); ok {
		for rel, v := range exp {
			switch v := v.(type) {
			case map[string]any:
				w.checkFields(t, c, v, where+" expand "+rel)
			case []any:
				for _, e := range v {
					if m, ok := e.(map[string]any); ok {
						w.checkFields(t, c, m, where+" expand "+rel)
					}
				}
			}
		}
	}
}

func keys(m map[string]bool) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// ---- view

func (w *world) checkView(t *testing.T, name string) {
	col := w.cols[name]
	for _, c := range w.callers {
		got := w.ruleSet(c, name, col.ViewRule, http.MethodGet)
		want := w.expected(c, name, "view", w.samples[name])
		w.compare(t, c, name, "view", w.samples[name], got, want)
		for _, r := range w.probes(w.samples[name], want) {
			status, body := w.do(c, http.MethodGet, "/api/collections/"+name+"/records/"+r.Id, "")
			switch {
			case want[r.Id] && status != http.StatusOK:
				t.Errorf("view %s/%s as %s: status %d, want 200 (%s)", name, r.Id, c.name, status, body)
			case !want[r.Id] && status == http.StatusOK:
				t.Errorf("view %s/%s as %s: LEAK, status 200: %s", name, r.Id, c.name, body)
			case want[r.Id]:
				var item map[string]any
				if err := json.Unmarshal([]byte(body), &item); err == nil {
					w.checkFields(t, c, item, "view "+name)
				}
			}
		}
	}
}

// probes picks up to two records inside and two outside a set for HTTP
// confirmation, nearest first (sharing communities with the set).
func (w *world) probes(recs []*core.Record, in map[string]bool) []*core.Record {
	return w.probesN(recs, in, 2)
}

// probesN is probes with up to n on each side.
func (w *world) probesN(recs []*core.Record, in map[string]bool, n int) []*core.Record {
	var yes, no []*core.Record
	for _, r := range recs {
		if in[r.Id] {
			yes = append(yes, r)
		} else {
			no = append(no, r)
		}
	}
	// Prefer refused records of the same communities as admitted ones: the
	// interesting refusals are next door.
	near := map[string]bool{}
	for _, r := range yes {
		for _, c := range w.factsOf(r).communities {
			near[c] = true
		}
	}
	sort.SliceStable(no, func(i, j int) bool {
		return overlaps(w.factsOf(no[i]).communities, near) && !overlaps(w.factsOf(no[j]).communities, near)
	})
	return append(firstN(yes, n), firstN(no, n)...)
}

func firstN(list []*core.Record, n int) []*core.Record {
	if len(list) > n {
		return list[:n]
	}
	return list
}

// ---- realtime

// realtimeRecorder notes, for each realtime message PocketBase is about to
// send, subscriber|probe|collection/id, and the record as sent.
type realtimeRecorder struct {
	mu   sync.Mutex
	on   bool
	sent map[string]*core.Record
}

var recorders sync.Map // *tests.TestApp → *realtimeRecorder

func (w *world) recorder() *realtimeRecorder {
	if r, ok := recorders.Load(w.app); ok {
		return r.(*realtimeRecorder)
	}
	rec := &realtimeRecorder{sent: map[string]*core.Record{}}
	recorders.Store(w.app, rec)
	// Outermost enrich handler: it sees the outcome of every other one.
	w.app.OnRecordEnrich().Bind(&hook.Handler[*core.RecordEnrichEvent]{Priority: -1000, Func: func(e *core.RecordEnrichEvent) error {
		err := e.Next()
		info := e.RequestInfo
		if err != nil || info == nil || info.Context != core.RequestInfoContextRealtime {
			return err
		}
		rec.mu.Lock()
		defer rec.mu.Unlock()
		if rec.on {
			auth := ""
			if info.Auth != nil {
				auth = info.Auth.Id
			}
			rec.sent[auth+"|"+info.Query["probe"]+"|"+e.Record.Collection().Name+"/"+e.Record.Id] = e.Record
		}
		return nil
	}})
	return rec
}

// broadcast has PocketBase announce a change of each record in recs to a
// subscriber per caller (topics collection/* and collection/{id}), and
// returns the messages it decided to send.
func (w *world) broadcast(t *testing.T, collection string, recs []*core.Record) map[string]*core.Record {
	rec := w.recorder()
	broker := w.app.SubscriptionsBroker()
	var clients []*subscriptions.DefaultClient
	for _, c := range w.callers {
		client := subscriptions.NewDefaultClient()
		if c.auth != nil {
			client.Set(apis.RealtimeClientAuthKey, c.auth)
		}
		client.Subscribe(collection + `/*?options={"query":{"probe":"list"}}`)
		for _, r := range recs {
			client.Subscribe(collection + "/" + r.Id + `?options={"query":{"probe":"view"}}`)
		}
		broker.Register(client)
		go func() {
			for range client.Channel() { // drained: PocketBase sends without waiting
			}
		}()
		clients = append(clients, client)
	}
	defer func() {
		for _, client := range clients {
			broker.Unregister(client.Id())
		}
	}()
	rec.mu.Lock()
	rec.on, rec.sent = true, map[string]*core.Record{}
	rec.mu.Unlock()
	for _, r := range recs {
		// The event PocketBase's realtime broadcasts on after a save; the
		// record itself is not changed (events and payments refuse edits).
		e := &core.ModelEvent{App: w.app, Context: t.Context(), Type: core.ModelEventTypeUpdate}
		e.Model = r.Fresh()
		if err := w.app.OnModelAfterUpdateSuccess().Trigger(e); err != nil {
			t.Fatalf("broadcast %s/%s: %v", collection, r.Id, err)
		}
	}
	rec.mu.Lock()
	defer rec.mu.Unlock()
	rec.on = false
	return rec.sent
}

func (w *world) checkRealtime(t *testing.T, name string) {
	sent := w.broadcast(t, name, w.samples[name])
	for _, c := range w.callers {
		want := w.expected(c, name, "realtime", w.samples[name])
		for _, probe := range []string{"list", "view"} {
			got := map[string]bool{}
			for _, r := range w.samples[name] {
				if m := sent[c.id()+"|"+probe+"|"+name+"/"+r.Id]; m != nil {
					got[r.Id] = true
					b, _ := json.Marshal(m)
					var item map[string]any
					_ = json.Unmarshal(b, &item)
					w.checkFields(t, c, item, "realtime "+name)
				}
			}
			w.compare(t, c, name, "realtime", w.samples[name], got, want)
		}
	}
}

// ---- files

func (w *world) checkFiles(t *testing.T, name string) {
	var fileFields []string
	for _, f := range w.cols[name].Fields {
		if f.Type() == core.FieldTypeFile {
			fileFields = append(fileFields, f.GetName())
		}
	}
	if len(fileFields) == 0 {
		return
	}
	tokens := map[string]string{}
	for _, c := range w.callers {
		if c.auth == nil {
			continue
		}
		status, body := w.do(c, http.MethodPost, "/api/files/token", "")
		var out struct{ Token string }
		if status != http.StatusOK || json.Unmarshal([]byte(body), &out) != nil {
			t.Fatalf("file token for %s: %d %s", c.name, status, body)
		}
		tokens[c.name] = out.Token
	}
	var withFiles []*core.Record
	for _, r := range w.samples[name] {
		for _, f := range fileFields {
			if len(r.GetStringSlice(f)) > 0 {
				withFiles = append(withFiles, r)
				break
			}
		}
	}
	if len(withFiles) == 0 {
		t.Fatalf("%s: no sampled record has a file: seedMatrix should attach some", name)
	}
	for _, c := range w.callers {
		want := w.expected(c, name, "file", withFiles)
		got := map[string]bool{}
		for _, r := range withFiles {
			for _, f := range fileFields {
				for _, file := range r.GetStringSlice(f) {
					path := "/api/files/" + name + "/" + r.Id + "/" + file
					if status, _ := w.do(w.callerNamed("anonymous"), http.MethodGet, path, ""); status == http.StatusOK {
						t.Errorf("%s: protected file %s served without a token", name, path)
					}
					if tokens[c.name] == "" {
						continue
					}
					status, _ := w.do(w.callerNamed("anonymous"), http.MethodGet, path+"?token="+tokens[c.name], "")
					if status == http.StatusOK {
						got[r.Id] = true
					}
				}
			}
		}
		w.compare(t, c, name, "file", withFiles, got, want)
	}
}

// ---- writes

// writeBody is the record's fields as a client would send them, with
// @request.body.X = @request.auth.id fields of the create rule set to c.
func (w *world) writeBody(c *caller, r *core.Record) map[string]any {
	col := r.Collection()
	body := map[string]any{}
	for _, f := range col.Fields {
		switch f.Type() {
		case core.FieldTypeAutodate, core.FieldTypePassword, core.FieldTypeFile:
			continue
		}
		name := f.GetName()
		if name == core.FieldNameId || name == core.FieldNameTokenKey {
			continue
		}
		body[name] = r.Get(name)
	}
	if col.CreateRule != nil {
		for _, m := range bodyIsAuth.FindAllStringSubmatch(*col.CreateRule, -1) {
			body[m[1]] = c.id()
		}
	}
	return body
}

var bodyIsAuth = regexp.MustCompile(`@request\.body\.(\w+) = @request\.auth\.id`)

// spoiler is a field and a value over its length limit, so that an admitted
// probe fails validation and changes nothing; "" when the collection has no
// text field the rule does not read.
func spoiler(col *core.Collection) (string, string) {
	rules := ""
	for _, r := range []*string{col.CreateRule, col.UpdateRule} {
		if r != nil {
			rules += *r
		}
	}
	for _, f := range col.Fields {
		if tf, ok := f.(*core.TextField); ok && tf.Max > 0 && !tf.System && !tf.PrimaryKey && !strings.Contains(rules, tf.Name) &&
			tf.Name != "serial" {
			return tf.Name, strings.Repeat("字", tf.Max+1)
		}
	}
	return "", ""
}

// refused reads a write's answer: 403 and 404 are refusals, and so is the
// create rule's 400, the one without field errors.
func refused(status int, body string) bool {
	if status == http.StatusForbidden || status == http.StatusNotFound {
		return true
	}
	if status == http.StatusBadRequest {
		var e struct {
			Data map[string]any `json:"data"`
		}
		return json.Unmarshal([]byte(body), &e) == nil && len(e.Data) == 0
	}
	return false
}

func (w *world) checkWrite(t *testing.T, name, op string) {
	col := w.cols[name]
	rule, method := col.UpdateRule, http.MethodPatch
	if op == "delete" {
		rule, method = col.DeleteRule, http.MethodDelete
	}
	field, value := spoiler(col)
	for _, c := range w.callers {
		got := w.ruleSet(c, name, rule, method)
		want := w.expected(c, name, op, w.samples[name])
		w.compare(t, c, name, op, w.samples[name], got, want)
		for _, r := range w.probesN(w.samples[name], want, 1) {
			target := r
			if op == "delete" && want[r.Id] {
				// Deletions are tried on a copy.
				if target = w.copyOf(r); target == nil {
					continue
				}
			}
			body := "{}"
			if field != "" && op == "update" {
				b, _ := json.Marshal(map[string]any{field: value})
				body = string(b)
			}
			status, resp := w.do(c, method, "/api/collections/"+name+"/records/"+target.Id, body)
			if want[r.Id] == refused(status, resp) {
				t.Errorf("%s %s/%s as %s: status %d %s (declared %s)", op, name, r.Id, c.name, status, first1(resp),
					map[bool]string{true: "admitted", false: "refused"}[want[r.Id]])
			}
			if op == "update" && status == http.StatusOK {
				t.Errorf("update probe %s/%s as %s changed the record (the spoiler field did not stop it)", name, r.Id, c.name)
			}
		}
	}
}

func first1(s string) string {
	if len(s) > 300 {
		return s[:300] + "…"
	}
	return s
}

// copyOf saves a copy of r (unique text values made unique again) for a
// deletion probe; nil when it cannot be copied.
func (w *world) copyOf(r *core.Record) *core.Record {
	cp := core.NewRecord(r.Collection())
	for k, v := range r.FieldsData() {
		if k != core.FieldNameId {
			cp.Set(k, v)
		}
	}
	for _, f := range r.Collection().Fields {
		if tf, ok := f.(*core.TextField); ok && !tf.PrimaryKey && tf.Name != "" {
			if v := cp.GetString(tf.Name); v != "" && dbIndexed(r.Collection(), tf.Name) {
				cp.Set(tf.Name, v+"X")
			}
		}
	}
	if r.Collection().IsAuth() {
		cp.SetEmail("copy." + r.Email())
		cp.SetPassword("copy-password-2026")
	}
	if err := w.app.SaveNoValidate(cp); err != nil {
		return nil // a hook refuses even the copy (bills, reminders): the rule-level check stands alone
	}
	w.byID[r.Collection().Name+"/"+cp.Id] = cp
	w.facts[r.Collection().Name+"/"+cp.Id] = recordFacts[r.Collection().Name](w, cp)
	return cp
}

func dbIndexed(col *core.Collection, field string) bool {
	for _, idx := range col.Indexes {
		if strings.Contains(strings.ToUpper(idx), "UNIQUE") && strings.Contains(idx, field) {
			return true
		}
	}
	return false
}

func (w *world) checkCreate(t *testing.T, name string) {
	col := w.cols[name]
	field, value := spoiler(col)
	for _, c := range w.callers {
		got := map[string]bool{}
		for _, r := range w.samples[name] {
			if w.createAdmitted(c, name, w.writeBody(c, r)) {
				got[r.Id] = true
			}
		}
		want := w.expected(c, name, "create", w.samples[name])
		w.compare(t, c, name, "create", w.samples[name], got, want)
		for _, r := range w.probesN(w.samples[name], want, 1) {
			body := w.writeBody(c, r)
			if field != "" {
				body[field] = value
			}
			if col.IsAuth() {
				body["password"], body["passwordConfirm"] = "probe-password-2026", "probe-password-2026"
				body["email"] = "probe." + r.Email()
			}
			b, _ := json.Marshal(body)
			status, resp := w.do(c, http.MethodPost, "/api/collections/"+name+"/records", string(b))
			if want[r.Id] == refused(status, resp) {
				t.Errorf("create %s like %s as %s: status %d %s (declared %s)", name, r.Id, c.name, status, first1(resp),
					map[bool]string{true: "admitted", false: "refused"}[want[r.Id]])
			}
			if status == http.StatusOK && field != "" {
				t.Errorf("create probe %s as %s saved a record (the spoiler field did not stop it)", name, c.name)
			}
		}
	}
}

// ---- leaks

// secretsFor are the strings a resident's responses must never contain:
// the names, phones, e-mails and ids of residents of other households, the
// phones and e-mails of their own co-residents, and the ids of units they
// were never linked to.
func (w *world) secretsFor(c *caller) map[string]string {
	out := map[string]string{}
	for _, r := range w.recs["residents"] {
		if r.Id == c.id() {
			continue
		}
		shares := false
		for _, l := range w.linksOf[r.Id] {
			if l.GetBool("active") && c.units[l.GetString("unit")] {
				shares = true
			}
		}
		what := "resident " + r.Email()
		out[r.GetString("phone")] = what + "'s phone"
		out[r.Email()] = what + "'s e-mail"
		if !shares {
			out[r.Id] = what + "'s id"
			if name := r.GetString("name"); len([]rune(name)) >= 2 {
				out[name] = what + "'s name"
			}
		}
	}
	for _, u := range w.recs["units"] {
		if !c.linked[u.Id] {
			out[u.Id] = "unit " + strings.Join(w.codes([]string{u.Id}), "")
		}
	}
	return out
}

// expandAll names every relation of collection, every back-relation into
// it, and every relation one step further.
func (w *world) expandAll(name string) string {
	var out []string
	for _, p := range w.paths(name, 2) {
		if p.hops == 1 || !strings.Contains(p.path, "_via_") {
			out = append(out, p.path)
		}
	}
	return strings.Join(out, ",")
}

func (w *world) checkResidentBodies(t *testing.T) {
	for _, c := range w.callers {
		if c.kind != "resident" {
			continue
		}
		secrets := w.secretsFor(c)
		for _, name := range w.names {
			for _, q := range []url.Values{nil, {"expand": {w.expandAll(name)}}} {
				a := w.list(c, name, q)
				if a.status != http.StatusOK && a.status != http.StatusForbidden {
					t.Errorf("list %s?%s as %s: status %d %s", name, q.Encode(), c.name, a.status, first1(a.body))
				}
				for s, what := range secrets {
					if s != "" && strings.Contains(a.body, s) {
						t.Errorf("LEAK: list %s (expand %v) as %s shows %s", name, q != nil, c.name, what)
					}
				}
				for _, it := range a.items {
					w.checkFields(t, c, it, "list "+name+" expanded")
				}
			}
		}
	}
}

// relPath is a filter path from a collection through relations.
type relPath struct {
	path  string // e.g. building.units_via_building
	end   string // the collection it reaches
	multi bool   // it crosses a multi-valued relation (a back-relation or a multiple relation field)
	hops  int
}

// paths lists the relation paths of up to depth hops from collection name.
func (w *world) paths(name string, depth int) []relPath {
	var out []relPath
	var walk func(prefix relPath, from string)
	walk = func(prefix relPath, from string) {
		for _, h := range w.hops(from) {
			p := relPath{path: h.path, end: h.end, multi: prefix.multi || h.multi, hops: prefix.hops + 1}
			if prefix.path != "" {
				p.path = prefix.path + "." + h.path
			}
			out = append(out, p)
			if p.hops < depth {
				walk(p, h.end)
			}
		}
	}
	walk(relPath{}, name)
	return out
}

// hops are the relations out of a collection: its relation fields and the
// back-relations of every Wuye collection pointing at it.
func (w *world) hops(name string) []relPath {
	var out []relPath
	for _, f := range w.cols[name].Fields {
		if rf, ok := f.(*core.RelationField); ok {
			if target := w.collectionByID(rf.CollectionId); target != "" {
				out = append(out, relPath{path: rf.Name, end: target, multi: rf.IsMultiple()})
			}
		}
	}
	for _, other := range w.names {
		for _, f := range w.cols[other].Fields {
			if rf, ok := f.(*core.RelationField); ok && w.collectionByID(rf.CollectionId) == name {
				out = append(out, relPath{path: other + "_via_" + rf.Name, end: other, multi: true})
			}
		}
	}
	return out
}

func (w *world) collectionByID(id string) string {
	for name, c := range w.cols {
		if c.Id == id && !c.System {
			return name
		}
	}
	return ""
}

func (w *world) filterAnswer(c *caller, collection, filter, sortBy string) listAnswer {
	q := url.Values{"fields": {"id"}}
	if filter != "" {
		q.Set("filter", filter)
	}
	if sortBy != "" {
		q.Set("sort", sortBy)
	}
	return w.list(c, collection, q)
}

// same reports whether two answers tell a caller the same thing.
func same(a, b listAnswer) bool {
	if a.status != b.status {
		return false
	}
	ai, bi := a.ids(), b.ids()
	if len(ai) != len(bi) {
		return false
	}
	for id := range ai {
		if !bi[id] {
			return false
		}
	}
	return true
}

// checkMultiMatchRefused: a comparison through a multi-valued relation that
// is not an any-of (?) operator makes PocketBase test every related row in
// a subquery the related collection's list rule does not guard; Wuye
// refuses it (and sorting through such a relation), for every caller but
// superusers.
func (w *world) checkMultiMatchRefused(t *testing.T) {
	for _, who := range []string{"owner", "technician"} {
		c := w.callerNamed(who)
		for _, name := range w.names {
			for _, p := range w.paths(name, 2) {
				if !p.multi {
					continue
				}
				filters := []string{p.path + `.id != "x"`, p.path + `.id = "x"`}
				if lastVia(p.path) != "" {
					filters = append(filters, p.path+`:length > 0`)
				}
				for _, filter := range filters {
					if a := w.filterAnswer(c, name, filter, ""); a.status == http.StatusOK {
						t.Errorf("%s as %s: filter %q accepted; want it refused", name, who, filter)
					}
				}
				if a := w.filterAnswer(c, name, "", p.path+".id"); a.status == http.StatusOK {
					t.Errorf("%s as %s: sort %q accepted; want it refused", name, who, p.path+".id")
				}
			}
		}
	}
	// What the pages do stays possible.
	owner := w.callerNamed("owner")
	if a := w.filterAnswer(w.callerNamed("front_desk"), "staff", `role = "technician" && communities.id ?= "`+testapp.ID(t, "community:CH")+`"`, ""); a.status != http.StatusOK || len(a.items) == 0 {
		t.Errorf("the desk's technician list: %d %s", a.status, first1(a.body))
	}
	if a := w.filterAnswer(owner, "units", `unit_residents_via_unit.resident ?= "`+owner.id()+`"`, ""); a.status != http.StatusOK || len(a.items) != 1 {
		t.Errorf("an any-of filter through a back-relation: %d %s", a.status, first1(a.body))
	}
	su := w.callerNamed("superuser")
	if a := w.filterAnswer(su, "units", `unit_residents_via_unit.resident.phone != "1"`, ""); a.status != http.StatusOK {
		t.Errorf("superusers keep every filter: %d %s", a.status, first1(a.body))
	}
}

// oracleCallers are the callers the filter oracle runs for: a resident and
// the staff role that sees least; with WUYE_PERMISSIONS_FULL=1 also a
// resident and staff of the other community, the ?!= operator, and paths of
// two hops from units for residents (about 1,000 filter queries instead of
// 130: PocketBase answers a filter through a relation slowly — its rule
// joins — 20 to 200 ms each on a loaded two-core machine).
func oracleCallers() []string {
	if os.Getenv("WUYE_PERMISSIONS_FULL") != "" {
		return []string{"owner", "outsider", "technician", "other_staff"}
	}
	return []string{"owner", "technician"}
}

// checkOracle: for the callers above, a filter through a relation gives the
// same answer whether it names a value of a record they cannot see or a
// value nobody has. For each collection a relation reaches, one path of one
// hop from the collections the caller lists (full: one by a relation field
// and one by a back-relation, and for residents of two hops from units, the
// way to the neighbours), with the any-of operator ?= (full: and ?!=), which
// PocketBase answers with the related collection's list rule applied (the
// all-rows ones through one-to-many relations are refused:
// checkMultiMatchRefused). The
// value compared is a text value only the hidden record has, or its id when
// the path ends in a back-relation (a relation field's id is on the record
// the caller sees).
func (w *world) checkOracle(t *testing.T) {
	queries := 0
	full := os.Getenv("WUYE_PERMISSIONS_FULL") != ""
	for _, who := range oracleCallers() {
		c := w.callerNamed(who)
		tried := map[string]bool{}
		// A path is tried once, from where PocketBase's joins are cheapest:
		// the hubs that everything points at (whose back-relations fan out
		// over whole communities) last, otherwise smallest first.
		hub := func(name string) bool {
			return name == "communities" || name == "units" || name == "staff" || name == "residents"
		}
		names := slices.Clone(w.names)
		sort.SliceStable(names, func(i, j int) bool {
			if hub(names[i]) != hub(names[j]) {
				return !hub(names[i])
			}
			return len(w.recs[names[i]]) < len(w.recs[names[j]])
		})
		for _, name := range names {
			if len(w.listedBy(c, name)) == 0 {
				continue
			}
			depth := 1
			if name == "units" && c.kind == "resident" && full {
				depth = 2
			}
			for _, p := range w.paths(name, depth) {
				back := lastVia(p.path) != ""
				kind := fmt.Sprint(p.end, back, p.hops)
				if !full {
					kind = p.end
				}
				secrets := w.secretsOf(c, p.end)
				if tried[kind] || len(secrets) == 0 {
					continue
				}
				secret := w.get(p.end, secrets[0])
				field, value := "id", secret.Id
				if !back {
					if field, value = w.uniqueText(secret); field == "" {
						continue
					}
				}
				tried[kind] = true
				ops := []string{"?="}
				if full {
					ops = append(ops, "?!=")
				}
				for _, op := range ops {
					f := fmt.Sprintf("%s.%s %s %q", p.path, field, op, value)
					nonsense := fmt.Sprintf("%s.%s %s %q", p.path, field, op, "zz0000000000000")
					queries += 2
					if !same(w.filterAnswer(c, name, f, ""), w.filterAnswer(c, name, nonsense, "")) {
						t.Errorf("LEAK: %s as %s: filter %q answers differently from a nonsense value", name, who, f)
					}
				}
			}
		}
	}
	t.Logf("%d filter queries", queries)
}

// uniqueText is a text field of r whose value no other record of its
// collection has ("" when there is none).
func (w *world) uniqueText(r *core.Record) (string, string) {
	for _, f := range r.Collection().Fields {
		tf, ok := f.(*core.TextField)
		if !ok || tf.PrimaryKey || tf.Hidden || r.GetString(tf.Name) == "" {
			continue
		}
		n := 0
		for _, other := range w.recs[r.Collection().Name] {
			if other.GetString(tf.Name) == r.GetString(tf.Name) {
				n++
			}
		}
		if n == 1 {
			return tf.Name, r.GetString(tf.Name)
		}
	}
	return "", ""
}

// lastVia is the back-relation field of a path's last segment, if any.
func lastVia(path string) string {
	segs := strings.Split(path, ".")
	_, field, _ := strings.Cut(segs[len(segs)-1], "_via_")
	return field
}

// secretsOf are up to two records of collection that c cannot list,
// nearest first (of c's communities, then of their buildings).
func (w *world) secretsOf(c *caller, collection string) []string {
	visible := w.listedBy(c, collection)
	var hidden []*core.Record
	for _, r := range w.recs[collection] {
		if !visible[r.Id] {
			hidden = append(hidden, r)
		}
	}
	score := func(r *core.Record) int {
		f := w.factsOf(r)
		s := 0
		if overlaps(f.communities, c.communities) {
			s += 2
		}
		for _, u := range f.units {
			if unit := w.get("units", u); unit != nil {
				for mine := range c.units {
					if m := w.get("units", mine); m != nil && m.GetString("building") == unit.GetString("building") {
						s++
					}
				}
			}
		}
		return s
	}
	sort.SliceStable(hidden, func(i, j int) bool { return score(hidden[i]) > score(hidden[j]) })
	var out []string
	for _, r := range hidden {
		if len(out) == 2 {
			break
		}
		out = append(out, r.Id)
	}
	return out
}

// checkRestrictedFilters: a field a caller gets hidden or masked cannot be
// filtered or sorted on by them, directly or through a relation: the answer
// for its true value is the answer for a wrong one.
func (w *world) checkRestrictedFilters(t *testing.T) {
	su := w.callerNamed("superuser")
	for _, d := range sortedDecls(w.decls) {
		for field, rule := range d.fields {
			if rule.kind != '{' && rule.kind != '~' {
				continue
			}
			for _, c := range w.callers {
				if c.kind == "superuser" || c.kind == "anonymous" || rule.callers[c.name] {
					continue
				}
				// A record of d the caller may read, not their own account, with a value.
				var target *core.Record
				for _, r := range w.recs[d.name] {
					if w.listedBy(c, d.name)[r.Id] && r.Id != c.id() && r.GetString(field) != "" {
						target = r
						break
					}
				}
				if target == nil {
					continue
				}
				value := target.GetString(field)
				// Directly, and from every collection that reaches d in up to two hops.
				type probe struct{ collection, path, id string }
				probes := []probe{{d.name, field, target.Id}}
				for _, from := range w.names {
					for _, p := range w.paths(from, 2) {
						if p.end != d.name {
							continue
						}
						// a record of from that the caller sees and that reaches target
						a := w.filterAnswer(su, from, p.path+`.id ?= "`+target.Id+`"`, "")
						for _, it := range a.items {
							if id := fmt.Sprint(it["id"]); w.listedBy(c, from)[id] {
								probes = append(probes, probe{from, p.path + "." + field, id})
								break
							}
						}
					}
				}
				for _, p := range probes {
					for _, op := range []string{"?=", "=", "~"} {
						f := fmt.Sprintf(`id = %q && %s %s %q`, p.id, p.path, op, value)
						wrong := fmt.Sprintf(`id = %q && %s %s %q`, p.id, p.path, op, value+"0")
						if !same(w.filterAnswer(c, p.collection, f, ""), w.filterAnswer(c, p.collection, wrong, "")) {
							t.Errorf("LEAK: %s.%s (hidden from %s) answers filter %q on %s", d.name, field, c.name, f, p.collection)
						}
					}
					if a := w.filterAnswer(c, p.collection, "", p.path); a.status == http.StatusOK {
						t.Errorf("%s may sort %s by %s, which is hidden from them", c.name, p.collection, p.path)
					}
				}
			}
		}
	}
}

func sortedDecls(decls map[string]*collDecl) []*collDecl {
	var out []*collDecl
	for _, d := range decls {
		out = append(out, d)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].name < out[j].name })
	return out
}

// ---- docs/PERMISSIONS.md

var scopeShort = map[string]string{"community": "com", "assigned": "asg", "open": "open", "unit": "unit", "self": "self", "all": "all"}

func shortScope(s string) string {
	var parts []string
	for _, w := range strings.Split(s, "+") {
		parts = append(parts, scopeShort[w])
	}
	return strings.Join(parts, "+")
}

// summaryCell groups a caller's operations by scope: "LVSF self · CU unit".
func summaryCell(row []string) string {
	letters := map[string]string{"list": "L", "view": "V", "create": "C", "update": "U", "delete": "D", "realtime": "S", "file": "F"}
	var order []string
	byScope := map[string]string{}
	for i, op := range matrixOps {
		s := row[i]
		if s == "none" || s == "-" {
			continue
		}
		if _, ok := byScope[s]; !ok {
			order = append(order, s)
		}
		byScope[s] += letters[op]
	}
	if len(order) == 0 {
		return "—"
	}
	var parts []string
	for _, s := range order {
		parts = append(parts, byScope[s]+" "+shortScope(s))
	}
	return strings.Join(parts, " · ")
}

func (w *world) markdown() string {
	var b strings.Builder
	b.WriteString("# Permission matrix\n\n")
	b.WriteString("Generated by `go test ./hooks -run TestPermissionMatrix -update-permissions-doc` from the table in\n")
	b.WriteString("`hooks/permissions_table_test.go`, after the test had checked every cell against the live schema and API\n")
	b.WriteString("(how: the comment at the top of `hooks/permissions_test.go`). Do not edit by hand: change the table, run the test.\n\n")
	b.WriteString("## Callers\n\n| caller | demo account | who |\n|---|---|---|\n")
	for _, c := range matrixCallers {
		email := c.email
		if email == "" {
			email = "—"
		}
		fmt.Fprintf(&b, "| %s | %s | %s |\n", c.name, email, c.about)
	}
	b.WriteString(`
## Reading the tables

Operations: **L** list, **V** view, **C** create, **U** update, **D** delete, **S** realtime subscription
(` + "`c/*` and `c/{id}`" + `), **F** protected file download (with a file token).

Scopes: **all** every record; **com** the caller's communities (a resident's: those they currently live in; a complaint
— with its notes and timeline — is never shown to the staff member it is about, and complaints about the service center
only to supervisors and directors); **asg** as com, but only what is assigned to the caller (complaint handler,
work-order technician or pool order of their trade, patrol task or unit of their area); **open** as com, less what is
seen only when assigned (complaints' timelines); **unit** records of a unit the caller currently lives in; **self**
their own account, what they filed or applied for, their notifications. — means nothing at all.

For create, the scope says for which places (community, unit, renovation …) the API rule lets the caller file a
record; for create, update and delete it is the API rule: hooks then decide which fields and state changes each role
may make (the flow tables in ` + "`hooks/complaints.go`, `hooks/dispatch.go`, `hooks/renovation.go`" + ` …), and most
records are never deleted by anyone (hooks refuse it) even where a rule admits the request.

Beyond the cells, the test holds for every caller: PocketBase's system collections are the superusers' alone (but
for the few records PocketBase keeps about an account itself — its MFA, OTP, OAuth2 links, sign-in origins); a
resident's responses — plain, with every relation expanded, over realtime — never carry another household's names,
phones, e-mails or ids; a filter through relations answers the same for a record the caller cannot see as for one that
does not exist; a filter or sort through a back-relation or multiple relation with an all-rows operator
(` + "`=`, `!=`, `~`, `:length` …" + `, whose subquery PocketBase does not guard with the related collection's rule)
is refused, any-of operators (` + "`?=`, `?~` …" + `) work; and a field hidden or masked from a caller can be neither
filtered nor sorted on by them.

## Summary

`)
	b.WriteString("| collection |")
	for _, c := range matrixCallers {
		fmt.Fprintf(&b, " %s |", c.name)
	}
	b.WriteString("\n|---|")
	for range matrixCallers {
		b.WriteString("---|")
	}
	b.WriteString("\n")
	for _, name := range w.names {
		fmt.Fprintf(&b, "| `%s` |", name)
		for _, c := range matrixCallers {
			fmt.Fprintf(&b, " %s |", summaryCell(w.decls[name].rows[c.name]))
		}
		b.WriteString("\n")
	}
	b.WriteString("\n## Collections\n")
	for _, name := range w.names {
		d := w.decls[name]
		fmt.Fprintf(&b, "\n### `%s`\n\n", name)
		var restricted []string
		for _, tok := range d.order {
			if strings.ContainsAny(tok, "!?{+") {
				restricted = append(restricted, "`"+tok+"`")
			}
		}
		if len(restricted) > 0 {
			fmt.Fprintf(&b, "Fields not shown to every reader: %s.\n\n", strings.Join(restricted, ", "))
		}
		b.WriteString("| callers | list | view | create | update | delete | realtime | file |\n|---|---|---|---|---|---|---|---|\n")
		// Callers with the same row share a line, in the callers' order.
		var rows []string
		callersOf := map[string][]string{}
		for _, c := range matrixCallers {
			key := strings.Join(d.rows[c.name], " | ")
			if callersOf[key] == nil {
				rows = append(rows, key)
			}
			callersOf[key] = append(callersOf[key], c.name)
		}
		for _, key := range rows {
			fmt.Fprintf(&b, "| %s | %s |\n", strings.Join(callersOf[key], ", "), key)
		}
		for _, n := range d.notes {
			fmt.Fprintf(&b, "\n%s.\n", strings.TrimSuffix(strings.ToUpper(n[:1])+n[1:], "."))
		}
	}
	return b.String()
}

// TestPermissionSideChannels pins, one request each, the leaks the matrix
// found and hooks/security_fixes.go and migration 0023 closed: each of these
// answered before the fix (see the comments there).
func TestPermissionSideChannels(t *testing.T) {
	app := testapp.New(t)
	h := testapp.Handler(t, app)
	list := func(email, collection, query string) (int, string) {
		return testapp.Do(t, h, http.MethodGet, "/api/collections/"+collection+"/records?fields=id&"+query, "", email)
	}
	filter := func(f string) string { return "filter=" + url.QueryEscape(f) }
	ownerPhone2 := "13800000004" // owner2, next door to owner1

	t.Run("a resident cannot test a neighbour's phone through the building", func(t *testing.T) {
		for _, f := range []string{
			`building.units_via_building.unit_residents_via_unit.resident.phone != "` + ownerPhone2 + `"`,
			`building.units_via_building.unit_residents_via_unit.resident.phone !~ "0000004"`,
			`building.units_via_building.unit_residents_via_unit:length > 2`,
		} {
			status, body := list("owner1@example.com", "units", filter(f))
			if status != http.StatusBadRequest || !strings.Contains(body, "任一满足") {
				t.Errorf("%s: %d %s, want 400 naming the any-of operators", f, status, body)
			}
		}
		// The any-of form is answered, within owner1's own links only.
		same := func(phone string) string {
			_, body := list("owner1@example.com", "units", filter(`building.units_via_building.unit_residents_via_unit.resident.phone ?= "`+phone+`"`))
			return body
		}
		if a, b := same(ownerPhone2), same("13899999999"); a != b {
			t.Errorf("?= through the building tells a neighbour's phone from a made-up one:\n%s\n%s", a, b)
		}
	})
	t.Run("the message is in English when asked", func(t *testing.T) {
		req := httptest.NewRequest(http.MethodGet, "/api/collections/units/records?"+filter(`unit_residents_via_unit.resident.phone != "1"`), nil)
		req.Header.Set("Authorization", testapp.Token(t, "owner1@example.com"))
		req.Header.Set("Accept-Language", "en")
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code != http.StatusBadRequest || !strings.Contains(rec.Body.String(), "any-of comparison") {
			t.Errorf("%d %s", rec.Code, rec.Body.String())
		}
	})
	t.Run("staff cannot read complaints withheld from them through a relation", func(t *testing.T) {
		desk := testapp.ID(t, "staff:frontdesk@example.com")
		// A complaint about the front desk clerk exists; they must not learn it.
		status, body := list("frontdesk@example.com", "service_items", filter(`community.complaints_via_community.subject_staff != "`+desk+`"`))
		if status != http.StatusBadRequest {
			t.Errorf("%d %s", status, body)
		}
	})
	t.Run("hidden and masked fields cannot be filtered or sorted", func(t *testing.T) {
		loan, err := app.FindFirstRecordByFilter("key_loans", "borrower_id_no != ''")
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range []struct{ email, collection, query string }{
			{"tech1@example.com", "residents", filter(`phone = "` + ownerPhone2 + `"`)},
			{"tech1@example.com", "unit_residents", filter(`resident.phone ?= "` + ownerPhone2 + `"`)},
			{"tech1@example.com", "residents", "sort=phone"},
			{"frontdesk@example.com", "key_loans", filter(`borrower_id_no = "` + loan.GetString("borrower_id_no") + `"`)},
			{"frontdesk@example.com", "residents", "sort=email"},
		} {
			if status, body := list(c.email, c.collection, c.query); status != http.StatusBadRequest || !strings.Contains(body, "隐藏") {
				t.Errorf("%s %s %s: %d %s", c.email, c.collection, c.query, status, body)
			}
		}
		// Those who see the field keep the searches their pages make.
		status, body := list("frontdesk@example.com", "unit_residents", filter(`active = true && (resident.name ~ "王" || resident.phone ~ "0000004")`))
		if status != http.StatusOK || !strings.Contains(body, `"id"`) {
			t.Errorf("the desk's search by phone: %d %s", status, body)
		}
		if status, body := list("director@example.com", "key_loans", filter(`borrower_id_no = "`+loan.GetString("borrower_id_no")+`"`)); status != http.StatusOK || !strings.Contains(body, loan.Id) {
			t.Errorf("the director's search by ID number: %d %s", status, body)
		}
	})
	t.Run("realtime subscriptions are held to the same filters", func(t *testing.T) {
		client := subscriptions.NewDefaultClient()
		app.SubscriptionsBroker().Register(client)
		defer app.SubscriptionsBroker().Unregister(client.Id())
		subscribe := func(topic string) (int, string) {
			b, _ := json.Marshal(map[string]any{"clientId": client.Id(), "subscriptions": []string{topic}})
			return testapp.Do(t, h, http.MethodPost, "/api/realtime", string(b), "owner1@example.com")
		}
		opts, _ := json.Marshal(map[string]any{"query": map[string]string{"filter": `unit_residents_via_unit.resident.phone != "` + ownerPhone2 + `"`}})
		if status, body := subscribe("units/*?options=" + url.QueryEscape(string(opts))); status != http.StatusBadRequest {
			t.Errorf("subscription with an all-rows filter: %d %s", status, body)
		}
		opts, _ = json.Marshal(map[string]any{"query": map[string]string{"filter": `status != "vacant"`}})
		if status, body := subscribe("units/*?options=" + url.QueryEscape(string(opts))); status != http.StatusNoContent {
			t.Errorf("plain subscription: %d %s", status, body)
		}
	})
	t.Run("expanding a back-relation shows no ids beyond the expansion", func(t *testing.T) {
		// A resident's work orders carry the technician's name (custom data
		// on), which also exported PocketBase's list of every back-related id.
		_, body := testapp.Do(t, h, http.MethodGet, "/api/collections/work_orders/records?expand="+
			url.QueryEscape("bills_via_work_order,work_orders_via_rework_of,vacancy_patrols_via_work_order"), "", "owner2@example.com")
		var out struct{ Items []map[string]any }
		if err := json.Unmarshal([]byte(body), &out); err != nil {
			t.Fatal(err)
		}
		expanded := 0
		for _, it := range out.Items {
			for _, key := range []string{"bills_via_work_order", "work_orders_via_rework_of", "vacancy_patrols_via_work_order"} {
				if _, ok := it[key]; ok {
					t.Errorf("%s exported outside expand: %v", key, it[key])
				}
			}
			if exp, _ := it["expand"].(map[string]any); exp["bills_via_work_order"] != nil {
				expanded++
			}
		}
		if expanded == 0 {
			t.Errorf("the expansion itself is gone: %s", first1(body))
		}
	})
	t.Run("price lists are read in their own community only", func(t *testing.T) {
		ch := testapp.ID(t, "community:CH")
		for _, email := range []string{"owner.yx@example.com", "supervisor.yx@example.com", "former1@example.com"} {
			if _, body := list(email, "service_items", filter(`community = "`+ch+`"`)); strings.Contains(body, `"id"`) {
				t.Errorf("%s reads 翠湖花园's price list: %s", email, first1(body))
			}
		}
		if _, body := list("owner1@example.com", "service_items", filter(`community = "`+ch+`"`)); !strings.Contains(body, `"id"`) {
			t.Errorf("a resident of 翠湖花园 lost its price list: %s", first1(body))
		}
	})
}
