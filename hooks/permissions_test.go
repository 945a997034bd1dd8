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
//     every protected file and every caller (an Authorization header is no
//     file token); with a file token of the caller it succeeds exactly for
//     the declared scope.
//
// The collections are those of the live schema, PocketBase's own
// (_superusers, _mfas, _otps, _authOrigins, _externalAuths) included; a
// collection or field without a declared row fails (schemaProblems, and
// TestPermissionMatrixReportsUndeclared for the check itself).
//
// Leaks: every caller's list of every collection with every relation and
// back-relation expanded shows only records the caller may view, with their
// declared fields; residents' responses, plain and expanded, must not
// contain another household's names, phones, e-mails or ids; filters
// through relations (or naming another collection) must give the same
// answer for a secret and for a nonsense value (the oracle test); a filter
// or sort through a multi-valued relation with an all-rows operator (whose
// subquery PocketBase does not guard by the related collection's rule)
// must be refused; fields hidden or masked from a caller can be neither
// filtered nor sorted on by them.
//
// The test counts what it tried, what held and what was lost — cells
// (collection × caller × operation) and probes (every HTTP confirmation,
// item, file and side-channel query) — and logs one summary line:
//
//	go test ./hooks -run 'TestPermissionMatrix$' -count=1 -v | grep 'permission matrix:'
//
// One seeded app serves every cell: reads and leak checks change nothing
// and run in parallel; the writes come last, their probes made to fail
// validation and their deletions tried on copies.
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
	"unicode"
	"unicode/utf8"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/apis"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tests"
	"github.com/pocketbase/pocketbase/tools/dbutils"
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
	confidential bool     // about the service center: of staff, the administration office's and the director's only
	complaint    bool     // a complaint (or of one): the administration office sees by role only those about the service center
	about        string   // the staff member it is about, who never sees it
	staffOnly    bool     // never for residents (an inactive price-list item)
	readers      []string // when set, the staff roles "community" and "open" admit (an event: its subject's readers)
	household    bool     // filed by a resident who currently lives in its unit, and not anonymously ("household")
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

var scopeWords = []string{"none", "all", "community", "open", "assigned", "unit", "household", "self"}

func scopeWord(word string, c *caller, f facts) bool {
	switch word {
	case "none", "-":
		return false
	case "all":
		return true
	case "community":
		return c.serves(f) && c.reads(f)
	case "open":
		return c.serves(f) && !f.assignedOnly && c.reads(f)
	case "assigned":
		return c.serves(f) && slices.Contains(f.assigned, c.id())
	case "unit":
		return !f.staffOnly && overlaps(f.units, c.units)
	case "household":
		return !f.staffOnly && f.household && overlaps(f.units, c.units)
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
	if f.complaint && c.kind == "staff" {
		// [003] 2.2.8: complaints about the service center go to the
		// administration office (and the director); the office has no
		// others.
		office := c.role == "admin_office" || c.role == "director"
		if f.confidential && !office || !f.confidential && c.role == "admin_office" {
			return false
		}
	}
	return overlaps(f.communities, c.communities)
}

// reads: c is not staff, or of a role f's readers admit.
func (c *caller) reads(f facts) bool {
	return c.kind != "staff" || f.readers == nil || slices.Contains(f.readers, c.role)
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
	linksOf          map[string][]*core.Record             // resident id → links
	listed           map[string]map[string]map[string]bool // collection → caller → ids listed
	secrets          map[string]map[string]string          // resident caller → secretsFor
	observed         map[string]map[string][]string        // collection → caller → observed scope per op (doc and hints)
	mu               sync.Mutex

	// For the summary line: cells are collection × caller × operation;
	// probes are every other check, by family (probeFamilies).
	cells               tally
	probes              map[string]*tally
	requests, decisions int
}

// probeFamilies name the kinds of probe, in the summary's order.
var probeFamilies = []struct{ key, about string }{
	{"http", "HTTP confirmations of view, create, update and delete cells"},
	{"fields", "records shown (list, view, realtime, expanded) with exactly their declared fields"},
	{"expand", "expanded records within the caller's view scope, and expansions refused"},
	{"secrets", "residents' responses free of other households' names, phones, e-mails and ids"},
	{"files", "protected files refused without a file token"},
	{"oracle", "filters through relations or naming a collection: a secret answers as a nonsense value"},
	{"hidden", "filters and sorts on hidden or masked fields refused or blind"},
	{"all-rows", "all-rows filters and sorts through one-to-many relations refused"},
	{"sort", "sorts through a relation by values hidden from the caller order nothing"},
	{"schema", "schema declared, system collections' rules"},
}

// probe is the tally of a family of probes.
func (w *world) probe(family string) *tally {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.probes[family] == nil {
		if !slices.ContainsFunc(probeFamilies, func(f struct{ key, about string }) bool { return f.key == family }) {
			panic("unknown probe family " + family)
		}
		w.probes[family] = &tally{}
	}
	return w.probes[family]
}

// tally counts what was tried, what held and what was lost; leaks are the
// losses where a caller got more than the table declares.
type tally struct {
	mu                       sync.Mutex
	tried, held, lost, leaks int
}

// add counts one check and returns ok.
func (c *tally) add(ok, leak bool) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.tried++
	switch {
	case ok:
		c.held++
	case leak:
		c.lost++
		c.leaks++
	default:
		c.lost++
	}
	return ok
}

func (c *tally) String() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return fmt.Sprintf("%d tried, %d held, %d lost (%d leaks)", c.tried, c.held, c.lost, c.leaks)
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
		listed: map[string]map[string]map[string]bool{}, observed: map[string]map[string][]string{}, probes: map[string]*tally{}}
	seedMatrix(t, app)
	w.h = testapp.Handler(t, app)
	all, err := app.FindAllCollections()
	if err != nil {
		t.Fatal(err)
	}
	var system []string
	for _, c := range all {
		w.cols[c.Name] = c
		if c.System {
			system = append(system, c.Name)
		} else {
			w.names = append(w.names, c.Name)
		}
	}
	// PocketBase's own collections last (they relate to nothing).
	sort.Strings(system)
	w.names = append(w.names, system...)
	w.load()
	w.loadCallers()
	w.recorder()
	w.secrets = map[string]map[string]string{}
	for _, c := range w.callers {
		if c.kind == "resident" {
			w.secrets[c.name] = w.secretsFor(c)
		}
	}
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

// do sends one request as c. Each request comes from its own client
// address: PocketBase's per-address defences — the rate limits, and the
// randomized 0–500 ms pause after a few empty filtered lists
// (apis/record_crud.go) — would otherwise make the matrix wait minutes for
// answers that do not depend on them.
func (w *world) do(c *caller, method, target, body string) (int, string) {
	w.mu.Lock()
	w.requests++
	n := w.requests
	w.mu.Unlock()
	req := httptest.NewRequest(method, target, strings.NewReader(body))
	req.RemoteAddr = fmt.Sprintf("10.%d.%d.%d:1234", n>>16&255, n>>8&255, n&255)
	req.Header.Set("Content-Type", "application/json")
	if c.email != "" {
		req.Header.Set("Authorization", testapp.Token(w.t, c.email))
	}
	rec := httptest.NewRecorder()
	w.h.ServeHTTP(rec, req)
	return rec.Code, rec.Body.String()
}

type listAnswer struct {
	status int
	body   string
	items  []map[string]any
}

// list lists collection as c, every page (PocketBase gives at most 1000
// records a page; the demo's history has more events than that).
func (w *world) list(c *caller, collection string, query url.Values) listAnswer {
	if query == nil {
		query = url.Values{}
	}
	const perPage = 1000
	query.Set("perPage", fmt.Sprint(perPage))
	query.Set("skipTotal", "1")
	var a listAnswer
	for page := 1; ; page++ {
		query.Set("page", fmt.Sprint(page))
		status, body := w.do(c, http.MethodGet, "/api/collections/"+collection+"/records?"+query.Encode(), "")
		if page == 1 {
			a = listAnswer{status: status, body: body}
		}
		if status != http.StatusOK {
			return a
		}
		var out struct {
			Items []map[string]any `json:"items"`
		}
		if err := json.Unmarshal([]byte(body), &out); err != nil {
			w.t.Fatalf("list %s: %v", collection, err)
		}
		a.items = append(a.items, out.Items...)
		if len(out.Items) < perPage {
			return a
		}
	}
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
	// Reads and leak checks change nothing: they share the one seeded app
	// and run in parallel (as many at once as -parallel, GOMAXPROCS by
	// default); each group ends before the next starts.
	t.Run("reads", func(t *testing.T) {
		for _, name := range w.names {
			t.Run(name, func(t *testing.T) {
				t.Parallel()
				t.Run("list", func(t *testing.T) { w.checkList(t, name) })
				t.Run("view", func(t *testing.T) { w.checkView(t, name) })
				t.Run("realtime", func(t *testing.T) { w.checkRealtime(t, name) })
				t.Run("file", func(t *testing.T) { w.checkFiles(t, name) })
			})
		}
	})
	// The leak checks read which records each caller lists (from "reads").
	t.Run("leaks", func(t *testing.T) {
		for _, check := range []struct {
			name string
			fn   func(*testing.T)
		}{
			{"expanded responses show nothing beyond the caller's scope", w.checkExpandedBodies},
			{"filters through relations are no oracle", w.checkOracle},
			{"restricted fields cannot be filtered or sorted", w.checkRestrictedFilters},
			{"multi-valued relations refuse all-rows operators", w.checkMultiMatchRefused},
			{"sorting through a relation tells nothing hidden", w.checkSortOracle},
		} {
			t.Run(check.name, func(t *testing.T) {
				t.Parallel()
				check.fn(t)
			})
		}
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
	// Every cell was tried: no collection, caller or operation dropped out.
	want := 0
	for _, name := range w.names {
		ops := len(matrixOps) - 1
		for _, f := range w.cols[name].Fields {
			if f.Type() == core.FieldTypeFile {
				ops++
				break
			}
		}
		want += ops * len(w.callers)
	}
	if w.cells.tried != want && !t.Failed() {
		t.Errorf("%d cells tried, want %d (collections × callers × operations)", w.cells.tried, want)
	}
	var all tally
	var families []string
	for _, f := range probeFamilies {
		p := w.probe(f.key)
		all.tried, all.held, all.lost, all.leaks = all.tried+p.tried, all.held+p.held, all.lost+p.lost, all.leaks+p.leaks
		families = append(families, fmt.Sprintf("%s %d/%d/%d", f.key, p.tried, p.held, p.lost))
	}
	t.Logf("permission matrix: %d collections × %d callers: cells %v; probes %v [tried/held/lost: %s]; leaks %d; %d record decisions, %d HTTP requests",
		len(w.names), len(w.callers), &w.cells, &all, strings.Join(families, ", "), w.cells.leaks+all.leaks, w.decisions, w.requests)
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
	var cols []*core.Collection
	for _, name := range w.names {
		cols = append(cols, w.cols[name])
	}
	problems := schemaProblems(cols, w.decls)
	for _, p := range problems {
		t.Error(p)
	}
	w.probe("schema").add(len(problems) == 0, false)
}

// schemaProblems compares the schema with the declared table: what is not
// declared (saying what to declare), and what is declared but gone.
func schemaProblems(cols []*core.Collection, decls map[string]*collDecl) []string {
	var out []string
	add := func(format string, args ...any) { out = append(out, fmt.Sprintf(format, args...)) }
	inSchema := map[string]bool{}
	for _, col := range cols {
		name := col.Name
		inSchema[name] = true
		d := decls[name]
		if d == nil {
			add("collection %s has no declared permissions: add a \"collection %s\" block to permissionTable "+
				"(hooks/permissions_table_test.go) with a fields line and a row per caller, and a recordFacts entry", name, name)
			continue
		}
		if recordFacts[name] == nil {
			add("collection %s has no recordFacts entry (whose are its records?): add one to hooks/permissions_table_test.go", name)
		}
		for _, c := range matrixCallers {
			if d.rows[c.name] == nil {
				add("%s: no row for caller %s: add one to its block in permissionTable", name, c.name)
			}
		}
		for _, f := range col.Fields {
			if _, ok := d.fields[f.GetName()]; !ok {
				add("%s.%s has no declared readers: add %s to the fields line of \"collection %s\" in permissionTable "+
					"(bare: every reader; %s! nobody; %s{callers}: only them; %s~{callers}: masked for the others)",
					name, f.GetName(), f.GetName(), name, f.GetName(), f.GetName(), f.GetName())
			}
		}
		for f := range d.fields {
			if col.Fields.GetByName(f) == nil {
				add("%s.%s is declared but not in the schema: remove it from permissionTable", name, f)
			}
		}
		hasFile := false
		for _, f := range col.Fields {
			if ff, ok := f.(*core.FileField); ok {
				hasFile = true
				if !ff.Protected {
					add("%s.%s: files must be protected (they carry residents' documents and photos)", name, f.GetName())
				}
			}
		}
		for caller, row := range d.rows {
			if (row[6] == "-") == hasFile {
				add("%s: caller %s: the file column must be - exactly when the collection has no file field", name, caller)
			}
		}
	}
	for name := range decls {
		if !inSchema[name] {
			add("declared collection %s is not in the schema: remove it from permissionTable", name)
		}
	}
	sort.Strings(out)
	return out
}

// checkSystemCollections: PocketBase's own collections keep PocketBase's
// rules — the superusers' alone, but for the records PocketBase keeps about
// an account itself (its MFA, OTP, OAuth2 links, sign-in origins), which
// that account may read. Their cells are in the matrix like any other; this
// pins the rules themselves.
func (w *world) checkSystemCollections(t *testing.T) {
	for _, name := range w.names {
		col := w.cols[name]
		if !col.System {
			continue
		}
		for _, rule := range []*string{col.ListRule, col.ViewRule, col.CreateRule, col.UpdateRule, col.DeleteRule} {
			ok := rule == nil || (name != core.CollectionNameSuperusers && *rule == ownRecordsOnly)
			if !w.probe("schema").add(ok, false) {
				t.Errorf("system collection %s has the rule %q", name, *rule)
			}
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
			// Whom a complaint is about does not limit who may file one like
			// it; whether it is about the service center limits the
			// administration office, which files only those.
			f.about = ""
			f.confidential = f.confidential && c.role == "admin_office"
		}
		if inScope(scope, c, f) {
			out[r.Id] = true
		}
	}
	return out
}

// cellResult is what a cell's checks found: ok while all held; leak once
// one showed a caller more than declared.
type cellResult struct{ ok, leak bool }

// and adds one more check of the cell.
func (r *cellResult) and(ok, leak bool) bool {
	r.ok = r.ok && ok
	r.leak = r.leak || (!ok && leak)
	return ok
}

// count records the cell in the tally.
func (w *world) count(r cellResult) { w.cells.add(r.ok, r.leak) }

// compare reports the records where got and want differ; a record got but
// not wanted is a leak. It returns the cell so far.
func (w *world) compare(t *testing.T, c *caller, collection, op string, recs []*core.Record, got, want map[string]bool) cellResult {
	t.Helper()
	w.mu.Lock()
	w.decisions += len(recs)
	w.mu.Unlock()
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
		return cellResult{ok: true}
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
	return cellResult{ok: false, leak: len(leaks) > 0}
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

// listedBy is the set of records of collection that c lists (cached; the
// reads fill the cache).
func (w *world) listedBy(c *caller, collection string) map[string]bool {
	w.mu.Lock()
	got := w.listed[collection][c.name]
	w.mu.Unlock()
	if got != nil {
		return got
	}
	got = w.list(c, collection, nil).ids()
	w.setListed(c, collection, got)
	return got
}

func (w *world) setListed(c *caller, collection string, got map[string]bool) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.listed[collection] == nil {
		w.listed[collection] = map[string]map[string]bool{}
	}
	w.listed[collection][c.name] = got
}

func (w *world) checkList(t *testing.T, name string) {
	for _, c := range w.callers {
		a := w.list(c, name, nil)
		got := a.ids()
		w.setListed(c, name, got)
		cell := w.compare(t, c, name, "list", w.recs[name], got, w.expected(c, name, "list", w.recs[name]))
		if !cell.and(a.status == http.StatusOK || a.status == http.StatusForbidden, false) {
			t.Errorf("list %s as %s: status %d %s", name, c.name, a.status, a.body)
		}
		cell.and(w.checkSecrets(t, c, a, "list "+name), true)
		for _, it := range a.items {
			cell.and(w.checkFields(t, c, it, "list "+name), true)
		}
		w.count(cell)
	}
}

// checkSecrets: a resident's response carries none of the secrets of other
// households (secretsFor).
func (w *world) checkSecrets(t *testing.T, c *caller, a listAnswer, where string) bool {
	secrets := w.secrets[c.name]
	if secrets == nil {
		return true
	}
	var shown []string
	for s, what := range secrets {
		if s != "" && strings.Contains(a.body, s) {
			shown = append(shown, what)
		}
	}
	if !w.probe("secrets").add(len(shown) == 0, true) {
		sort.Strings(shown)
		t.Errorf("LEAK: %s as %s shows %s", where, c.name, strings.Join(shown, "; "))
		return false
	}
	return true
}

var metaKeys = []string{"collectionId", "collectionName", "expand"}

// checkFields: item (a record as JSON, expansions included) shows exactly
// the fields its collection declares for c, and every record expanded in it
// is one c may view. It counts one probe per item and returns whether it
// held.
func (w *world) checkFields(t *testing.T, c *caller, item map[string]any, where string) bool {
	t.Helper()
	ok, leak := true, false
	fail := func(isLeak bool, format string, args ...any) {
		t.Helper()
		ok, leak = false, leak || isLeak
		t.Errorf(format, args...)
	}
	colName, _ := item["collectionName"].(string)
	d := w.decls[colName]
	if d == nil {
		fail(true, "%s as %s: item of undeclared collection %q", where, c.name, colName)
		return w.probe("fields").add(ok, leak)
	}
	id := fmt.Sprint(item["id"])
	raw := w.get(colName, id)
	for key := range item {
		_, isField := d.fields[key]
		_, isExtra := d.extra[key]
		if !isField && !isExtra && !slices.Contains(metaKeys, key) {
			fail(true, "%s as %s: %s carries undeclared key %q", where, c.name, colName, key)
		}
	}
	for name, rule := range d.fields {
		_, present := item[name]
		readable := rule.kind == 0 || rule.kind == '~' || (rule.kind == '{' && (rule.callers[c.name] || (rule.callers["self"] && id == c.id())))
		switch {
		case rule.kind == '?':
		case readable && !present:
			fail(false, "%s as %s: %s.%s missing", where, c.name, colName, name)
		case !readable && present:
			fail(true, "%s as %s: %s.%s shown (declared %v)", where, c.name, colName, name, keys(rule.callers))
		case rule.kind == '~' && !rule.callers[c.name] && raw != nil && raw.GetString(name) != "" && item[name] == raw.GetString(name):
			fail(true, "%s as %s: %s.%s shown unmasked", where, c.name, colName, name)
		}
	}
	for name, rule := range d.extra {
		if _, present := item[name]; present && !rule.callers[c.name] {
			fail(true, "%s as %s: %s carries %s", where, c.name, colName, name)
		}
	}
	w.probe("fields").add(ok, leak)
	if exp, isMap := item["expand"].(map[string]any); isMap {
		for rel, v := range exp {
			var items []map[string]any
			switch v := v.(type) {
			case map[string]any:
				items = append(items, v)
			case []any:
				for _, e := range v {
					if m, isMap := e.(map[string]any); isMap {
						items = append(items, m)
					}
				}
			}
			for _, m := range items {
				// An expanded record is shown only to those who may view it.
				expColl, _ := m["collectionName"].(string)
				if r := w.get(expColl, fmt.Sprint(m["id"])); r != nil && w.decls[expColl] != nil {
					scope := w.decls[expColl].rows[c.name][slices.Index(matrixOps, "view")]
					if !w.probe("expand").add(inScope(scope, c, w.factsOf(r)), true) {
						t.Errorf("LEAK: %s as %s: expand %s shows %s, beyond the declared view scope %q", where, c.name, rel, w.describe(r), scope)
						ok = false
					}
				}
				ok = w.checkFields(t, c, m, where+" expand "+rel) && ok
			}
		}
	}
	return ok
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
		cell := w.compare(t, c, name, "view", w.samples[name], got, want)
		for _, r := range w.probeRecords(w.samples[name], want) {
			status, body := w.do(c, http.MethodGet, "/api/collections/"+name+"/records/"+r.Id, "")
			switch {
			case want[r.Id] && status != http.StatusOK:
				w.probe("http").add(cell.and(false, false), false)
				t.Errorf("view %s/%s as %s: status %d, want 200 (%s)", name, r.Id, c.name, status, body)
			case !want[r.Id] && status == http.StatusOK:
				w.probe("http").add(cell.and(false, true), true)
				t.Errorf("view %s/%s as %s: LEAK, status 200: %s", name, r.Id, c.name, body)
			case want[r.Id]:
				var item map[string]any
				err := json.Unmarshal([]byte(body), &item)
				cell.and(err == nil && w.checkFields(t, c, item, "view "+name), true)
			default:
				w.probe("http").add(true, false)
			}
		}
		w.count(cell)
	}
}

// probeRecords picks up to two records inside and two outside a set for
// HTTP confirmation, nearest first (sharing communities with the set).
func (w *world) probeRecords(recs []*core.Record, in map[string]bool) []*core.Record {
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
	on   int // broadcasts under way
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
		if rec.on > 0 {
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
	rec.on++
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
	rec.on--
	// This broadcast's messages: those about its records (each collection
	// is broadcast once).
	sent := map[string]*core.Record{}
	for key, r := range rec.sent {
		if strings.HasSuffix(key, "|"+collection+"/"+r.Id) {
			sent[key] = r
		}
	}
	return sent
}

func (w *world) checkRealtime(t *testing.T, name string) {
	sent := w.broadcast(t, name, w.samples[name])
	for _, c := range w.callers {
		want := w.expected(c, name, "realtime", w.samples[name])
		cell := cellResult{ok: true}
		for _, probe := range []string{"list", "view"} {
			got := map[string]bool{}
			for _, r := range w.samples[name] {
				if m := sent[c.id()+"|"+probe+"|"+name+"/"+r.Id]; m != nil {
					got[r.Id] = true
					b, _ := json.Marshal(m)
					var item map[string]any
					_ = json.Unmarshal(b, &item)
					cell.and(w.checkFields(t, c, item, "realtime "+name), true)
				}
			}
			r := w.compare(t, c, name, "realtime", w.samples[name], got, want)
			cell.and(r.ok, r.leak)
		}
		w.count(cell)
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
	// Without a token, no protected file is served to anyone.
	anonymous := w.callerNamed("anonymous")
	for _, r := range withFiles {
		for _, f := range fileFields {
			for _, file := range r.GetStringSlice(f) {
				path := "/api/files/" + name + "/" + r.Id + "/" + file
				for _, c := range w.callers {
					// The Authorization header is no file token either.
					if status, _ := w.do(c, http.MethodGet, path, ""); !w.probe("files").add(status != http.StatusOK, true) {
						t.Errorf("LEAK: %s: protected file %s served to %s without a file token", name, path, c.name)
					}
				}
			}
		}
	}
	for _, c := range w.callers {
		want := w.expected(c, name, "file", withFiles)
		got := map[string]bool{}
		for _, r := range withFiles {
			for _, f := range fileFields {
				for _, file := range r.GetStringSlice(f) {
					path := "/api/files/" + name + "/" + r.Id + "/" + file
					if tokens[c.name] == "" {
						continue
					}
					status, _ := w.do(anonymous, http.MethodGet, path+"?token="+tokens[c.name], "")
					if status == http.StatusOK {
						got[r.Id] = true
					}
				}
			}
		}
		w.count(w.compare(t, c, name, "file", withFiles, got, want))
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
		if name == core.FieldNameId || name == core.FieldNameTokenKey || slices.Contains(roleGuardedFields[col.Name], name) {
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

// roleGuardedFields are fields a hook lets only some of the roles the rule
// admits set (403 for the others, tested where the hook lives): a copy of a
// sample leaves them out, so that the matrix checks the rule and not which
// sample it happened to copy (an urgent notice, which only a supervisor or
// the director may mark: TestNoticeSMSOnlyUrgentOncePerHousehold).
var roleGuardedFields = map[string][]string{"notices": {"urgent"}}

var bodyIsAuth = regexp.MustCompile(`@request\.body\.(\w+) = @request\.auth\.id`)

// spoiler is a field and a value that fails validation, so that an
// admitted probe changes nothing: preferably a text field over its length
// limit, else an e-mail field with no e-mail in it; a field the create and
// update rules do not read. "" when the collection has none.
func spoiler(col *core.Collection) (string, any) {
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
	// PocketBase's own collections: their fields are system fields, and a
	// text field without a limit takes at most 5,000 characters.
	for _, f := range col.Fields {
		if tf, ok := f.(*core.TextField); ok && tf.Max == 0 && !tf.PrimaryKey && !tf.Hidden && !strings.Contains(rules, tf.Name) {
			return tf.Name, strings.Repeat("x", 5001)
		}
	}
	for _, f := range col.Fields {
		if ef, ok := f.(*core.EmailField); ok && !strings.Contains(rules, ef.Name) {
			return ef.Name, "not an e-mail"
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
		cell := w.compare(t, c, name, op, w.samples[name], got, want)
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
			if !w.probe("http").add(cell.and(want[r.Id] != refused(status, resp), !want[r.Id]), !want[r.Id]) {
				t.Errorf("%s %s/%s as %s: status %d %s (declared %s)", op, name, r.Id, c.name, status, first1(resp),
					map[bool]string{true: "admitted", false: "refused"}[want[r.Id]])
			}
			if op == "update" && status == http.StatusOK {
				cell.and(false, false)
				t.Errorf("update probe %s/%s as %s changed the record (the spoiler field did not stop it)", name, r.Id, c.name)
			}
		}
		w.count(cell)
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
	for _, f := range r.Collection().Fields {
		k := f.GetName()
		switch {
		case k == core.FieldNameId:
		case f.Type() == core.FieldTypePassword:
			// The hash itself: setting a password would bcrypt it (~0.1 s).
			if pv, ok := r.GetRaw(k).(*core.PasswordFieldValue); ok {
				cp.SetRaw(k, &core.PasswordFieldValue{Hash: pv.Hash})
			}
		default:
			cp.Set(k, r.Get(k))
		}
	}
	// One text value of each unique index made unique again: the last.
	for _, idx := range r.Collection().Indexes {
		parsed := dbutils.ParseIndex(idx)
		if !parsed.Unique {
			continue
		}
		for i := len(parsed.Columns) - 1; i >= 0; i-- {
			name := strings.Trim(parsed.Columns[i].Name, "`\"[]")
			if tf, ok := r.Collection().Fields.GetByName(name).(*core.TextField); ok && !tf.PrimaryKey && cp.GetString(name) != "" {
				cp.Set(name, cp.GetString(name)+"X")
				break
			}
		}
	}
	if r.Collection().IsAuth() {
		cp.SetEmail("copy." + r.Email())
	}
	if err := w.app.SaveNoValidate(cp); err != nil {
		return nil // a hook refuses even the copy (bills, reminders): the rule-level check stands alone
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	w.byID[r.Collection().Name+"/"+cp.Id] = cp
	w.facts[r.Collection().Name+"/"+cp.Id] = recordFacts[r.Collection().Name](w, cp)
	return cp
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
		cell := w.compare(t, c, name, "create", w.samples[name], got, want)
		for _, r := range w.probesN(w.samples[name], want, 1) {
			body := w.writeBody(c, r)
			if field != "" {
				body[field] = value
			}
			if col.IsAuth() {
				// No password: PocketBase hashes one (bcrypt, ~0.1 s) as it
				// reads the body, before the rule; the rule does not read it,
				// and an admitted probe fails validation all the same.
				body["email"] = "probe." + r.Email()
			}
			b, _ := json.Marshal(body)
			status, resp := w.do(c, http.MethodPost, "/api/collections/"+name+"/records", string(b))
			if !w.probe("http").add(cell.and(want[r.Id] != refused(status, resp), !want[r.Id]), !want[r.Id]) {
				t.Errorf("create %s like %s as %s: status %d %s (declared %s)", name, r.Id, c.name, status, first1(resp),
					map[bool]string{true: "admitted", false: "refused"}[want[r.Id]])
			}
			if status == http.StatusOK {
				cell.and(false, false)
				t.Errorf("create probe %s as %s saved a record (the spoiler field did not stop it)", name, c.name)
			}
		}
		w.count(cell)
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

// checkExpandedBodies: every caller's list of every collection with every
// relation and back-relation expanded shows only records the caller may
// view, each with its declared fields (checkFields), and a resident's none
// of the secrets of other households (checkSecrets). A resident's whole
// list is expanded; staff, who list whole communities, expand the sampled
// records they list (every kind of ownership).
func (w *world) checkExpandedBodies(t *testing.T) {
	for _, c := range w.callers {
		if c.kind == "superuser" {
			continue
		}
		for _, name := range w.names {
			listed := w.listedBy(c, name)
			if len(listed) == 0 || w.expandAll(name) == "" {
				continue // nothing to expand
			}
			var filters []string
			if c.kind == "staff" && len(w.samples[name]) < len(w.recs[name]) {
				var ids []string
				for _, r := range w.samples[name] {
					if listed[r.Id] {
						ids = append(ids, fmt.Sprintf("id=%q", r.Id))
					}
				}
				for len(ids) > 0 {
					n := min(len(ids), 50)
					filters = append(filters, strings.Join(ids[:n], "||"))
					ids = ids[n:]
				}
			} else {
				filters = []string{""}
			}
			expand := w.expandable(c, name)
			for _, f := range filters {
				q := url.Values{"expand": {expand}}
				if f != "" {
					q.Set("filter", f)
				}
				a := w.list(c, name, q)
				where := "list " + name + " expanded"
				if !w.probe("expand").add(a.status == http.StatusOK, false) {
					t.Errorf("%s as %s: status %d %s (%s)", where, c.name, a.status, first1(a.body), q.Encode())
				}
				w.checkSecrets(t, c, a, where)
				for _, it := range a.items {
					w.checkFields(t, c, it, where)
				}
			}
		}
	}
}

// expandable is expandAll less the paths refused to c (Wuye refuses staff
// expansions that reach an anonymous complaint's complainant: each refusal
// is a probe that held, as it shows nothing).
func (w *world) expandable(c *caller, name string) string {
	all := w.expandAll(name)
	if all == "" {
		return ""
	}
	probe := func(expand string) int {
		status, _ := w.do(c, http.MethodGet, "/api/collections/"+name+"/records?"+
			url.Values{"expand": {expand}, "fields": {"id"}, "perPage": {"1"}, "skipTotal": {"1"}}.Encode(), "")
		return status
	}
	if probe(all) != http.StatusBadRequest {
		return all
	}
	var kept []string
	for _, p := range strings.Split(all, ",") {
		if status := probe(p); status == http.StatusBadRequest {
			w.probe("expand").add(true, false)
		} else {
			kept = append(kept, p)
		}
	}
	return strings.Join(kept, ",")
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

// checkSortOracle: sorting through a relation by a value of records the
// caller cannot see tells nothing. For every signed-in caller but
// superusers, every collection and every single relation field of it: the
// records the caller lists whose related record is hidden from them (up to
// 20, told apart by a text value of those related records), sorted by that
// value ascending and descending, come in the same order. (PocketBase
// applies the related collection's list rule to the sort's join as to a
// filter's: such records are left out of the sorted list altogether — what
// the caller learns is only which related records they may see, which
// listing those tells them anyway.)
func (w *world) checkSortOracle(t *testing.T) {
	order := func(a listAnswer) string {
		var ids []string
		for _, it := range a.items {
			ids = append(ids, fmt.Sprint(it["id"]))
		}
		return fmt.Sprint(a.status, ids)
	}
	tried := 0
	defer func() { t.Logf("%d sorts by hidden values", tried) }()
	for _, c := range w.callers {
		if c.kind == "anonymous" || c.kind == "superuser" {
			continue
		}
		for _, name := range w.names {
			listed := w.listedBy(c, name)
			if len(listed) < 2 {
				continue
			}
			var ids []string
			for id := range listed {
				ids = append(ids, id)
			}
			sort.Strings(ids)
			for _, f := range w.cols[name].Fields {
				rf, ok := f.(*core.RelationField)
				if !ok || rf.IsMultiple() {
					continue
				}
				end := w.collectionByID(rf.CollectionId)
				if end == "" {
					continue
				}
				visible := w.listedBy(c, end)
				for _, ef := range w.cols[end].Fields {
					tf, ok := ef.(*core.TextField)
					if !ok || tf.Hidden || tf.PrimaryKey {
						continue
					}
					// Listed records whose related record is hidden, one per value.
					seen := map[string]bool{}
					var probe []string
					for _, id := range ids {
						target := w.get(end, w.get(name, id).GetString(rf.Name))
						if target == nil || visible[target.Id] || seen[target.GetString(tf.Name)] {
							continue
						}
						seen[target.GetString(tf.Name)] = true
						probe = append(probe, fmt.Sprintf("id=%q", id))
						if len(probe) == 20 {
							break
						}
					}
					if len(probe) < 2 {
						continue
					}
					path, filter := rf.Name+"."+tf.Name, strings.Join(probe, "||")
					asc, desc := w.filterAnswer(c, name, filter, path), w.filterAnswer(c, name, filter, "-"+path)
					tried++
					if !w.probe("sort").add(order(asc) == order(desc), true) {
						t.Errorf("LEAK: %s as %s: sort by %s orders records by values hidden from them (%s / %s)", name, c.name, path, order(asc), order(desc))
					}
					break // one text field per relation
				}
			}
		}
	}
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
					if a := w.filterAnswer(c, name, filter, ""); !w.probe("all-rows").add(a.status != http.StatusOK, true) {
						t.Errorf("LEAK: %s as %s: filter %q accepted; want it refused", name, who, filter)
					}
				}
				if a := w.filterAnswer(c, name, "", p.path+".id"); !w.probe("all-rows").add(a.status != http.StatusOK, true) {
					t.Errorf("LEAK: %s as %s: sort %q accepted; want it refused", name, who, p.path+".id")
				}
			}
		}
	}
	// What the pages do stays possible.
	owner := w.callerNamed("owner")
	if a := w.filterAnswer(w.callerNamed("front_desk"), "staff", `role = "technician" && communities.id ?= "`+testapp.ID(t, "community:CH")+`"`, ""); !w.probe("all-rows").add(a.status == http.StatusOK && len(a.items) > 0, false) {
		t.Errorf("the desk's technician list: %d %s", a.status, first1(a.body))
	}
	if a := w.filterAnswer(owner, "units", `unit_residents_via_unit.resident ?= "`+owner.id()+`"`, ""); !w.probe("all-rows").add(a.status == http.StatusOK && len(a.items) == 1, false) {
		t.Errorf("an any-of filter through a back-relation: %d %s", a.status, first1(a.body))
	}
	su := w.callerNamed("superuser")
	if a := w.filterAnswer(su, "units", `unit_residents_via_unit.resident.phone != "1"`, ""); !w.probe("all-rows").add(a.status == http.StatusOK, false) {
		t.Errorf("superusers keep every filter: %d %s", a.status, first1(a.body))
	}
}

// checkOracle: for every signed-in caller but superusers, a filter through
// a relation gives the same answer whether it names a value of a record
// they cannot see or a value nobody has. For each collection a relation
// reaches, one path by a relation field and one by a back-relation from the
// collections the caller lists (for residents also of two hops from units,
// the way to the neighbours), with the any-of operators ?= and ?!=, which
// PocketBase answers with the related collection's list rule applied (the
// all-rows ones through one-to-many relations are refused:
// checkMultiMatchRefused). The value compared is a text value only the
// hidden record has, or its id when the path ends in a back-relation (a
// relation field's id is on the record the caller sees). A filter naming
// another collection (@collection.residents.phone …) is the superusers'
// alone.
//
// (This used to take minutes: PocketBase pauses 0–500 ms after the third
// empty filtered list of a client within 3 s, which every request of the
// matrix was; w.do gives each request its own address.)
func (w *world) checkOracle(t *testing.T) {
	queries := 0
	for _, c := range w.callers {
		if c.kind == "anonymous" || c.kind == "superuser" {
			continue
		}
		who := c.name
		// A filter joining another collection by name answers the same for
		// a secret as for a nonsense value.
		for _, j := range []struct{ collection, field string }{{"residents", "phone"}, {"staff", "email"}, {"complaints", "content"}} {
			secrets := w.secretsOf(c, j.collection)
			if len(secrets) == 0 {
				continue
			}
			f := fmt.Sprintf(`@collection.%s.%s ?= %%q`, j.collection, j.field)
			value := w.get(j.collection, secrets[0]).GetString(j.field)
			a, b := w.filterAnswer(c, "units", fmt.Sprintf(f, value), ""), w.filterAnswer(c, "units", fmt.Sprintf(f, "zz0000000000000"), "")
			queries += 2
			if !w.probe("oracle").add(same(a, b), true) {
				t.Errorf("LEAK: units as %s: filter %q answers differently from a nonsense value: %d %s", who, fmt.Sprintf(f, value), a.status, first1(a.body))
			}
		}
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
			if name == "units" && c.kind == "resident" {
				depth = 2
			}
			for _, p := range w.paths(name, depth) {
				back := lastVia(p.path) != ""
				kind := fmt.Sprint(p.end, back, p.hops)
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
				for _, op := range []string{"?=", "?!="} {
					f := fmt.Sprintf("%s.%s %s %q", p.path, field, op, value)
					nonsense := fmt.Sprintf("%s.%s %s %q", p.path, field, op, "zz0000000000000")
					a := w.filterAnswer(c, name, f, "")
					queries++
					if op == "?=" && a.status == http.StatusOK && len(a.items) == 0 {
						// What "?= nonsense" answers, as nothing has that value.
						w.probe("oracle").add(true, true)
						continue
					}
					queries++
					if !w.probe("oracle").add(same(a, w.filterAnswer(c, name, nonsense, "")), true) {
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
						if !w.probe("hidden").add(same(w.filterAnswer(c, p.collection, f, ""), w.filterAnswer(c, p.collection, wrong, "")), true) {
							t.Errorf("LEAK: %s.%s (hidden from %s) answers filter %q on %s", d.name, field, c.name, f, p.collection)
						}
					}
					if a := w.filterAnswer(c, p.collection, "", p.path); !w.probe("hidden").add(a.status != http.StatusOK, true) {
						t.Errorf("LEAK: %s may sort %s by %s, which is hidden from them", c.name, p.collection, p.path)
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

var scopeShort = map[string]string{"community": "com", "assigned": "asg", "open": "open", "unit": "unit", "household": "hh", "self": "self", "all": "all"}

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
only to the administration office and the director, the office seeing no other complaint); **asg** as com, but only what is assigned to the caller (complaint handler,
work-order technician or pool order of their trade, patrol task or unit of their area); **open** as com, less what is
seen only when assigned (complaints' timelines); **unit** records of a unit the caller currently lives in; **hh**
(household) records of a unit the caller currently lives in that someone living there now filed, not anonymously (work
orders and complaints, migration 0052); **self**
their own account, what they filed or applied for, their notifications. — means nothing at all.

For create, the scope says for which places (community, unit, renovation …) the API rule lets the caller file a
record; for create, update and delete it is the API rule: hooks then decide which fields and state changes each role
may make (the flow tables in ` + "`hooks/complaints.go`, `hooks/dispatch.go`, `hooks/renovation.go`" + ` …), and most
records are never deleted by anyone (hooks refuse it) even where a rule admits the request.

PocketBase's own collections (` + "`_superusers`, `_mfas`, `_otps`, `_authOrigins`, `_externalAuths`" + `) have rows like
Wuye's: the superusers' alone, but for the records PocketBase keeps about an account, which that account may read.

Beyond the cells, the test holds for every caller: a list of every collection with every relation and back-relation
expanded shows only records the caller may view, each with its declared fields; a resident's responses — plain and
expanded — never carry another household's names, phones, e-mails or ids; no protected file is served without a file
token (an Authorization header is not one); a filter through relations, or naming another collection
(` + "`@collection…`" + `), answers the same for a record the caller cannot see as for one that does not exist, and a
sort through a relation by values of records hidden from the caller orders nothing by them; a filter
or sort through a back-relation or multiple relation with an all-rows operator (` + "`=`, `!=`, `~`, `:length` …" + `,
whose subquery PocketBase does not guard with the related collection's rule) is refused, any-of operators
(` + "`?=`, `?~` …" + `) work; and a field hidden or masked from a caller can be neither filtered nor sorted on by them. A hidden relation
(a resident's ` + "`communities`, `buildings`, `units`" + `) cannot be expanded either, by its name, through another relation or as
a back-relation, on the records, auth and realtime routes (` + "`guardHiddenExpands`; TestResidentPlacesCannotBeExpanded" + `).

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
			fmt.Fprintf(&b, "\n%s.\n", strings.TrimSuffix(capitalized(n), "."))
		}
	}
	return b.String()
}

// TestPermissionMatrixReportsUndeclared: the schema check of the matrix
// fails, saying what to declare, for a new collection, a new field of a
// Wuye collection and a new field of one of PocketBase's, and for a
// declared field that is gone.
func TestPermissionMatrixReportsUndeclared(t *testing.T) {
	app := testapp.New(t)
	decls := parseTable(t, permissionTable)
	all, err := app.FindAllCollections()
	if err != nil {
		t.Fatal(err)
	}
	if problems := schemaProblems(all, decls); len(problems) > 0 {
		t.Fatalf("the demo schema should be fully declared: %v", problems)
	}

	lockers := core.NewBaseCollection("parcel_lockers")
	lockers.Fields.Add(&core.TextField{Name: "tracking_no"})
	if err := app.Save(lockers); err != nil {
		t.Fatal(err)
	}
	for name, field := range map[string]string{"residents": "nickname", core.CollectionNameMFAs: "device"} {
		col, err := app.FindCollectionByNameOrId(name)
		if err != nil {
			t.Fatal(err)
		}
		col.Fields.Add(&core.TextField{Name: field})
		if err := app.Save(col); err != nil {
			t.Fatal(err)
		}
	}
	units, err := app.FindCollectionByNameOrId("units")
	if err != nil {
		t.Fatal(err)
	}
	units.Fields.RemoveByName("moved_in_on")
	if err := app.Save(units); err != nil {
		t.Fatal(err)
	}

	all, err = app.FindAllCollections()
	if err != nil {
		t.Fatal(err)
	}
	problems := schemaProblems(all, decls)
	for _, want := range []string{
		`collection parcel_lockers has no declared permissions: add a "collection parcel_lockers" block to permissionTable`,
		`residents.nickname has no declared readers: add nickname to the fields line of "collection residents" in permissionTable`,
		`_mfas.device has no declared readers: add device to the fields line of "collection _mfas" in permissionTable`,
		`units.moved_in_on is declared but not in the schema: remove it from permissionTable`,
	} {
		found := false
		for _, p := range problems {
			found = found || strings.Contains(p, want)
		}
		if !found {
			t.Errorf("no problem saying %q in %q", want, problems)
		}
	}
	if len(problems) != 4 {
		t.Errorf("%d problems, want 4: %q", len(problems), problems)
	}
}

// TestPermissionSideChannels pins, one request each, the leaks the matrix
// found and hooks/guard_queries.go and migration 0023 closed: each of these
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

// capitalized is s with its first letter upper-cased, whole runes (a note
// may begin in Chinese: 过户 …).
func capitalized(s string) string {
	r, size := utf8.DecodeRuneInString(s)
	return string(unicode.ToUpper(r)) + s[size:]
}
