package hooks

// The tests that keep docs/DESIGN.md true to the code:
//
//   - TestDesignHeadings: the domain sections others cite by name are there,
//     in their order;
//   - TestDesignFlows: the "Flows" section, between <!-- flows:begin --> and
//     <!-- flows:end -->, is what the flow tables render to (the tables the
//     update hooks enforce and GET /api/wuye/flows serves); with
//     -update-design-doc it is rewritten from them:
//     go test ./hooks -run TestDesignFlows -update-design-doc
//   - TestDesignRuleTable: every row of "Where each rule lives" names a
//     function defined in the file the row names (found by parsing the Go
//     files of hooks/, lib/ and migrations/);
//   - TestDesignCollections: every collection the migrations create is named
//     in the document.

import (
	"flag"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"runtime"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/pocketbase/pocketbase/tests"

	_ "wuye/migrations"
)

var updateDesignDoc = flag.Bool("update-design-doc", false,
	"rewrite the flows section of docs/DESIGN.md from the flow tables")

const (
	designDocPath = "../docs/DESIGN.md"
	flowsBegin    = "<!-- flows:begin -->"
	flowsEnd      = "<!-- flows:end -->"
)

// designHeadings are the document's sections, in order. Code comments cite
// them by name ("docs/DESIGN.md, Fees"): renaming one is a change to make
// everywhere at once.
var designHeadings = []string{
	"Registry", "Household files (业主档案)", "Accounts and access", "Complaints", "Dispatch", "Fees", "Renovation",
	"Vacant units and keys", "Front desk registers", "Front desk: handover, incidents, visits", "Move-in (入伙)", "Notices", "Notifications and deliveries", "Surveys and activities", "Reports", "Operations", "Flows", "Where each rule lives",
}

// designFlowOrder is the order the flows are rendered in; a flow of
// flowsByCollection not listed here comes after them, by name.
var designFlowOrder = []string{"complaints", "work_orders", "renovations", "hot_work_permits", "deposit_refunds",
	"parcels", "lost_items", "goods_passes", "move_outs", "shift_handovers", "incidents", "move_ins", "surveys"}

// designFlowManuals says where each flow comes from, under its heading.
var designFlowManuals = map[string]string{
	"complaints":       "[000] 前台 4.1.2, 助理 4.6; [004] 三 3.6–3.9; office practice for the invalid close and the resident's own rating.",
	"work_orders":      "[003] 2.4–2.7; [000] 前台 4.10; [004] 三 7.1.",
	"renovations":      "[004] 四 3 5.1–5.2; [000] 管理员 4.2; [001] 中汇广场 五.",
	"hot_work_permits": "[001] 中汇广场 五 (四) 2 动火证办理.",
	"deposit_refunds":  "[001] 中汇广场 五 (six months after acceptance); [004] 四 3 4.3 (the director approves), 4.5 (the desk's assistant pays).",
	"parcels":          "[000] 前台 4.2 (4.2.4 signed for and collected, 4.2.6 overdue and returned).",
	"lost_items":       "[001] 中汇广场 十二 (claimed with proof and a signature; disposed of by the department after a year or three months).",
	"goods_passes":     "[001] 中汇广场 十一 (the service center confirms the applicant, security checks at the gate); office practice for the tenant's consent and the day's validity.",
	"move_outs":        "[001] 中汇广场 四 第三步 (费用结算：抄电表读数，结算客户使用费用), 十一 (the goods pass); [000] 收费员 4.2.1.2, 4.2.1.6 (the final bill by period); office practice for the steps.",
	"shift_handovers":  "[000] 交接班制度 4.1–4.2 (the outgoing clerk records and hands over, the incoming one checks and both sign); 前台 5.6–5.7.",
	"move_ins":         "[004] 四 2 4.3–4.7 (papers, 验房 with meter readings, repairs re-inspected, fees, keys, signed documents); [000] 前台 4.3, 助理 4.9; office practice for who cancels.",
	"incidents":        "[000] 前台 4.1.4 (registered and told at once), 5.14 (特别事件报告单); [004] 三 4.3 (reported within one working day).",
	"surveys":          "[000] 管理员 4.6.2 (征询意见调查表, returns ≥ 70 %); [002] 三 3.4 and [004] 六 12 (the annual satisfaction survey, ≥ 90 %).",
}

// designParties explains the flow parties that are not staff roles.
var designParties = map[string]string{
	actorHandler:   "the staff member the complaint is assigned to",
	actorResident:  "the resident who filed the complaint or applied for the renovation, in the portal",
	actorAssignee:  "the technician the work order is dispatched to",
	actorClaimant:  "a technician of the order's trade and community, while the order waits in the pool",
	actorRequester: "the resident who asked for the work, in the portal",
	actorOwner:     "an owner of the pass's unit, in the portal (consents to a tenant's pass)",
	actorGate:      "security at the gate, checking the pass's code (`POST /api/wuye/goods-passes/check`)",
	actorSchedule:  "the daily job: a pass not used on its day expires",
	actorMover:     "the resident moving out, in the portal (cancels their own request)",
	actorOutgoing:  "the clerk handing the shift over (the handover's from_staff), signing as themselves",
	actorIncoming:  "the clerk taking the shift over (the handover's to_staff), signing as themselves",
}

// designGuards describes the steps' further conditions, by the guard
// function's name.
var designGuards = map[string]string{
	"paidWorkOnly":           "paid or business work only: routine work is free (`paidWorkOnly`)",
	"priceAgreed":            "paid work only once the resident agreed the price — a listed price chosen at intake, or a confirmed quote (`priceAgreed`)",
	"threeSignatures":        "resident, contractor and office have all signed (`threeSignatures`)",
	"refundIsDue":            "the waiting period after acceptance is over (`refundIsDue`)",
	"collectorSigned":        "the collector signed on the screen, and gave an ID number for registered mail (`collectorSigned`)",
	"claimantSigned":         "the claimant signed on the screen (`claimantSigned`)",
	"keptLongEnough":         "the keeping period (`keep_until`: a year for a valuable, three months otherwise) is over (`keptLongEnough`)",
	"moveInDocumentsChecked": "the owner's ID card and purchase contract checked and the five certificates posted, each stamped by who checked it (`moveInDocumentsChecked`)",
	"moveInReadingsTaken":    "the water and electricity meters read (gas too, if any), written as meter readings that only go forward (`moveInReadingsTaken`)",
	"moveInHasDefects":       "the inspection listed defects; each becomes a work order for engineering (`moveInHasDefects`)",
	"moveInNoDefects":        "the inspection listed no defect (`moveInNoDefects`)",
	"moveInDefectsCleared":   "every repair order passed the owner's re-inspection (`moveInDefectsCleared`)",
	"moveInSigned":           "the covenant, renovation agreement and fire-safety pledge signed on the screen or uploaded as scans (`moveInSigned`)",
	"ownerConsents":          "a tenant's furniture or appliances: an owner consented in the portal, or the desk recorded how (`ownerConsents`)",
	"surveyReady":            "at least one question (`surveyReady`)",
}

func readDesignDoc(t *testing.T) string {
	t.Helper()
	b, err := os.ReadFile(designDocPath)
	if err != nil {
		t.Fatalf("read %s: %v", designDocPath, err)
	}
	return string(b)
}

// designSection is the text of the ## section named heading (without the
// heading line), up to the next ## heading.
func designSection(doc, heading string) (string, bool) {
	start := strings.Index(doc, "\n## "+heading+"\n")
	if start < 0 {
		return "", false
	}
	rest := doc[start+len("\n## "+heading+"\n"):]
	if end := strings.Index(rest, "\n## "); end >= 0 {
		rest = rest[:end+1]
	}
	return rest, true
}

func TestDesignHeadings(t *testing.T) {
	doc := readDesignDoc(t)
	var got []string
	for _, line := range strings.Split(doc, "\n") {
		if h, ok := strings.CutPrefix(line, "## "); ok {
			got = append(got, strings.TrimSpace(h))
		}
	}
	if !slices.Equal(got, designHeadings) {
		t.Errorf("docs/DESIGN.md's ## headings are\n  %q\nwant exactly, in this order (code comments cite them)\n  %q", got, designHeadings)
	}
}

// ---- Flows

func guardName(g any) string {
	name := runtime.FuncForPC(reflect.ValueOf(g).Pointer()).Name()
	return name[strings.LastIndex(name, ".")+1:]
}

func designStatus(f *Flow, code string) string {
	if l, ok := f.Labels[code]; ok {
		return fmt.Sprintf("`%s` %s · %s", code, l.zh, l.en)
	}
	return "`" + code + "`"
}

func designField(name string) string {
	if l, ok := fieldLabels[name]; ok {
		return fmt.Sprintf("`%s` (%s)", name, l.zh)
	}
	return "`" + name + "`"
}

func designFields(names []string) string {
	var out []string
	for _, n := range names {
		out = append(out, designField(n))
	}
	return strings.Join(out, ", ")
}

// renderDesignFlows renders every flow table as the Markdown of the Flows
// section, or reports what the test's own tables lack to render one.
func renderDesignFlows() (string, []string) {
	var problems []string
	names := slices.Clone(designFlowOrder)
	var others []string
	for name := range flowsByCollection {
		if !slices.Contains(names, name) {
			others = append(others, name)
		}
	}
	sort.Strings(others)
	names = append(names, others...)

	var b strings.Builder
	b.WriteString("\n")
	b.WriteString("Generated by `go test ./hooks -run TestDesignFlows -update-design-doc` from the flow tables\n")
	b.WriteString("(`flowsByCollection` in hooks/flows_api.go); do not edit by hand. A step is a change of `status`\n")
	b.WriteString("through the ordinary records API (`PATCH /api/collections/{name}/records/{id}`); `Flow.Plan` in\n")
	b.WriteString("hooks/flow.go refuses any other change of status, a step taken by someone the table does not name,\n")
	b.WriteString("and a step whose required fields are empty. The button column is the words on the step's button in\n")
	b.WriteString("the pages (`Step.Verb`, served with the table): an action, not the status it leads to. Staff roles\n")
	b.WriteString("are written as their codes; the other\n")
	b.WriteString("parties are in italics:\n\n")
	var parties []string
	for p := range designParties {
		parties = append(parties, p)
	}
	sort.Strings(parties)
	for _, p := range parties {
		fmt.Fprintf(&b, "- *%s*: %s\n", p, designParties[p])
	}
	for _, name := range names {
		f, ok := flowsByCollection[name]
		if !ok {
			problems = append(problems, fmt.Sprintf("designFlowOrder names %q, which flowsByCollection does not have", name))
			continue
		}
		fmt.Fprintf(&b, "\n### %s (%s) — `%s`\n\n", strings.ToUpper(f.Noun.en[:1])+f.Noun.en[1:], f.Noun.zh, name)
		if src, ok := designFlowManuals[name]; ok {
			fmt.Fprintf(&b, "From %s\n\n", src)
		} else {
			problems = append(problems, fmt.Sprintf("designFlowManuals has no source for the flow of %q", name))
		}
		var statuses []string
		for _, s := range f.Steps {
			for _, st := range []string{s.From, s.To} {
				if !slices.Contains(statuses, st) {
					statuses = append(statuses, st)
				}
			}
		}
		var named, final []string
		for _, st := range statuses {
			named = append(named, designStatus(f, st))
		}
		for _, st := range f.Terminal {
			final = append(final, designStatus(f, st))
		}
		fmt.Fprintf(&b, "Statuses: %s.\n\n", strings.Join(named, "; "))
		fmt.Fprintf(&b, "A new record starts as %s; final (the record is frozen): %s.\n\n", designStatus(f, f.Steps[0].From), strings.Join(final, ", "))
		b.WriteString("| from | to | button | who may take the step | the step requires | may come along | stamps |\n")
		b.WriteString("|---|---|---|---|---|---|---|\n")
		for _, s := range f.Steps {
			var who []string
			for _, a := range s.Actors {
				if _, party := designParties[a]; party {
					who = append(who, "*"+a+"*")
				} else {
					who = append(who, "`"+a+"`")
				}
				if !slices.Contains(designRoles, a) {
					if _, ok := designParties[a]; !ok {
						problems = append(problems, fmt.Sprintf("the party %q of %s's flow is not explained in designParties", a, name))
					}
				}
			}
			req := designFields(s.Requires)
			if s.Guard != nil {
				g := guardName(s.Guard)
				note, ok := designGuards[g]
				if !ok {
					problems = append(problems, fmt.Sprintf("the guard %s of %s's step %s → %s is not described in designGuards", g, name, s.From, s.To))
					note = "`" + g + "`"
				}
				if req != "" {
					req += "; "
				}
				req += note
			}
			stamp := ""
			if s.Stamp != "" {
				stamp = "`" + s.Stamp + "`"
			}
			if s.Verb.zh == "" || s.Verb.en == "" {
				problems = append(problems, fmt.Sprintf("%s's step %s → %s has no verb for its button", name, s.From, s.To))
			}
			fmt.Fprintf(&b, "| %s | %s | %s · %s | %s | %s | %s | %s |\n", designStatus(f, s.From), designStatus(f, s.To), s.Verb.zh, s.Verb.en,
				strings.Join(who, ", "), dash(req), dash(designFields(s.Extras)), dash(stamp))
		}
		for _, st := range statuses {
			if _, ok := f.Labels[st]; !ok {
				problems = append(problems, fmt.Sprintf("%s's flow has no label for the status %q", name, st))
			}
		}
	}
	b.WriteString("\n")
	return b.String(), problems
}

var designRoles = []string{RoleFrontDesk, RoleAreaManager, RoleTechnician, RoleEngineer, RoleSecurity, RoleCashier, RoleSupervisor, RoleDirector, RoleAdminOffice}

func dash(s string) string {
	if s == "" {
		return "—"
	}
	return s
}

func TestDesignFlows(t *testing.T) {
	want, problems := renderDesignFlows()
	for _, p := range problems {
		t.Error(p)
	}
	doc := readDesignDoc(t)
	i, j := strings.Index(doc, flowsBegin), strings.Index(doc, flowsEnd)
	if i < 0 || j < i {
		t.Fatalf("docs/DESIGN.md has no %s … %s section", flowsBegin, flowsEnd)
	}
	got := doc[i+len(flowsBegin) : j]
	if got == want {
		return
	}
	if *updateDesignDoc {
		if len(problems) > 0 {
			t.Fatal("not writing docs/DESIGN.md: see the problems above")
		}
		doc = doc[:i+len(flowsBegin)] + want + doc[j:]
		if err := os.WriteFile(designDocPath, []byte(doc), 0o644); err != nil {
			t.Fatal(err)
		}
		t.Log("rewrote the flows section of docs/DESIGN.md")
		return
	}
	gl, wl := strings.Split(got, "\n"), strings.Split(want, "\n")
	for k := 0; k < max(len(gl), len(wl)); k++ {
		var g, w string
		if k < len(gl) {
			g = gl[k]
		}
		if k < len(wl) {
			w = wl[k]
		}
		if g != w {
			t.Fatalf("the flows section of docs/DESIGN.md differs from the flow tables (first at its line %d):\n  doc:    %s\n  tables: %s\n"+
				"run: go test ./hooks -run TestDesignFlows -update-design-doc", k+1, g, w)
		}
	}
}

// ---- Where each rule lives

// goFuncs maps every top-level function (and method, as Type.Method) of the
// non-test Go files under dirs to the files, relative to the repository,
// that define it.
func goFuncs(t *testing.T, root string, dirs ...string) map[string][]string {
	t.Helper()
	defs := map[string][]string{}
	fset := token.NewFileSet()
	for _, dir := range dirs {
		err := filepath.WalkDir(filepath.Join(root, dir), func(path string, d os.DirEntry, err error) error {
			if err != nil || d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
				return err
			}
			f, err := parser.ParseFile(fset, path, nil, parser.SkipObjectResolution)
			if err != nil {
				return err
			}
			rel, _ := filepath.Rel(root, path)
			rel = filepath.ToSlash(rel)
			for _, decl := range f.Decls {
				fd, ok := decl.(*ast.FuncDecl)
				if !ok {
					continue
				}
				name := fd.Name.Name
				if fd.Recv != nil && len(fd.Recv.List) > 0 {
					typ := fd.Recv.List[0].Type
					if star, ok := typ.(*ast.StarExpr); ok {
						typ = star.X
					}
					if id, ok := typ.(*ast.Ident); ok {
						name = id.Name + "." + name
					}
				}
				defs[name] = append(defs[name], rel)
			}
			return nil
		})
		if err != nil {
			t.Fatalf("parse %s: %v", dir, err)
		}
	}
	return defs
}

var backticked = regexp.MustCompile("`([^`]+)`")

func TestDesignRuleTable(t *testing.T) {
	doc := readDesignDoc(t)
	section, ok := designSection(doc, "Where each rule lives")
	if !ok {
		t.Fatal("docs/DESIGN.md has no section ## Where each rule lives")
	}
	defs := goFuncs(t, "..", "hooks", "lib", "migrations")
	rows := 0
	for _, line := range strings.Split(section, "\n") {
		if !strings.HasPrefix(line, "|") || strings.HasPrefix(line, "|---") || strings.HasPrefix(line, "| rule ") {
			continue
		}
		cells := strings.Split(strings.Trim(line, "| "), " | ")
		if len(cells) != 3 {
			t.Errorf("a row of the rule table is not | rule | function | file |: %s", line)
			continue
		}
		rows++
		rule := strings.TrimSpace(cells[0])
		fn, file := backticked.FindStringSubmatch(cells[1]), backticked.FindStringSubmatch(cells[2])
		if fn == nil || file == nil {
			t.Errorf("row %d (%s): the function and the file must be `backticked`", rows, rule)
			continue
		}
		files := defs[fn[1]]
		if slices.Contains(files, file[1]) {
			continue
		}
		where := "nowhere in hooks/, lib/ or migrations/"
		if len(files) > 0 {
			where = "in " + strings.Join(files, ", ")
		}
		t.Errorf("row %d (%s): %s is not defined in %s; it is defined %s", rows, rule, fn[1], file[1], where)
	}
	if rows < 40 {
		t.Errorf("the rule table has %d rows; it should cover every domain's important rules (40 or more)", rows)
	}
}

// ---- The domain model

func TestDesignCollections(t *testing.T) {
	app, err := tests.NewTestApp(t.TempDir()) // an empty data directory, every migration applied
	if err != nil {
		t.Fatal(err)
	}
	defer app.Cleanup()
	cols, err := app.FindAllCollections()
	if err != nil {
		t.Fatal(err)
	}
	doc := readDesignDoc(t)
	var domains strings.Builder // the domain sections: Registry … Operations
	for _, h := range designHeadings[:slices.Index(designHeadings, "Flows")] {
		s, _ := designSection(doc, h)
		domains.WriteString(s)
	}
	n := 0
	for _, c := range cols {
		if c.System {
			continue
		}
		n++
		if !strings.Contains(domains.String(), "`"+c.Name+"`") {
			t.Errorf("the collection %s (created by the migrations) is not described in docs/DESIGN.md: name it, as `%s`, in its domain's section (Registry … Operations)", c.Name, c.Name)
		}
	}
	if n == 0 {
		t.Fatal("the migrations created no collection: were they applied?")
	}
}
