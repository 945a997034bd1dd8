package hooks_test

import (
	"io/fs"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tests"

	"wuye/demo"
	"wuye/hooks"
	"wuye/internal/testapp"
)

const opsBackupJob = "__pbAutoBackup__" // PocketBase's id of the backup cron job

func opsCount(t testing.TB, app core.App, collection string, where ...dbx.Expression) int {
	t.Helper()
	n, err := app.CountRecords(collection, where...)
	if err != nil {
		t.Fatal(err)
	}
	return int(n)
}

func opsCol(t testing.TB, app core.App, name string) *core.Collection {
	t.Helper()
	c, err := app.FindCollectionByNameOrId(name)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// Creates are limited per client and collection: 60 in 10 s pass (even
// refused ones count), the 61st is answered 429 in Chinese and writes
// nothing; another collection and a superuser are not held up.
func TestCreateRateLimit(t *testing.T) {
	app := testapp.New(t)
	var rule core.RateLimitRule
	for _, r := range app.Settings().RateLimits.Rules {
		if r.Label == "*:create" {
			rule = r
		}
	}
	if !app.Settings().RateLimits.Enabled || rule.MaxRequests != 60 || rule.Duration != 10 {
		t.Fatalf("create rate limit %+v (enabled %v), want 60 per 10 s", rule, app.Settings().RateLimits.Enabled)
	}
	h := testapp.Handler(t, app)
	before := opsCount(t, app, "complaints")
	for i := 0; i < rule.MaxRequests; i++ {
		if code, body := testapp.Do(t, h, http.MethodPost, "/api/collections/complaints/records", `{}`, "owner1@example.com"); code != http.StatusBadRequest {
			t.Fatalf("create %d: %d %s, want 400 (refused but not limited)", i+1, code, body)
		}
	}
	code, body := testapp.Do(t, h, http.MethodPost, "/api/collections/complaints/records",
		`{"unit":"`+testapp.ID(t, "unit:1-101")+`","category":"environment","content":"第61次"}`, "owner1@example.com")
	if code != http.StatusTooManyRequests || !strings.Contains(body, "操作太频繁") {
		t.Fatalf("create 61: %d %s, want 429 with a Chinese message", code, body)
	}
	if opsCount(t, app, "complaints") != before {
		t.Fatal("a limited create wrote a complaint")
	}
	if code, _ := testapp.Do(t, h, http.MethodPost, "/api/collections/service_demands/records", `{}`, "owner1@example.com"); code == http.StatusTooManyRequests {
		t.Fatal("another collection's creates share the complaints' budget")
	}
	if code, _ := testapp.Do(t, h, http.MethodPost, "/api/collections/complaints/records", `{}`, "root@example.com"); code == http.StatusTooManyRequests {
		t.Fatal("a superuser is rate limited")
	}
	if code, _ := testapp.Do(t, h, http.MethodGet, "/api/collections/complaints/records", ``, "owner1@example.com"); code != http.StatusOK {
		t.Fatalf("reading after the limit: %d", code)
	}
}

// Sign-ins are limited per client: 30 a minute, after which even the right
// password waits (0005_settings).
func TestSignInRateLimit(t *testing.T) {
	app := testapp.New(t)
	h := testapp.Handler(t, app)
	for i := 0; i < 30; i++ {
		// A different identity each time: one account's own back-off
		// (hooks/accounts_backoff.go) would stop at 10.
		if code, _ := testapp.Do(t, h, http.MethodPost, "/api/collections/residents/auth-with-password",
			`{"identity":"guess-`+string(rune('a'+i))+`@example.com","password":"guess"}`, ""); code != http.StatusBadRequest {
			t.Fatalf("attempt %d: %d", i+1, code)
		}
	}
	code, body := testapp.Do(t, h, http.MethodPost, "/api/collections/residents/auth-with-password",
		`{"identity":"owner2@example.com","password":"`+demo.Password+`"}`, "")
	if code != http.StatusTooManyRequests || !strings.Contains(body, "操作太频繁") {
		t.Fatalf("attempt 31: %d %s, want 429 in Chinese", code, body)
	}
	code, body = testapp.Do(t, h, http.MethodPost, "/api/collections/residents/auth-with-password?lang=en",
		`{"identity":"owner2@example.com","password":"`+demo.Password+`"}`, "")
	if code != http.StatusTooManyRequests || !strings.Contains(body, "Too many requests; please wait") {
		t.Fatalf("attempt 32: %d %s, want 429 in English", code, body)
	}
}

// Staff and residents need passwords of 10 characters or more: a shorter
// one is refused, in Chinese or English, and the old password stays.
func TestPasswordPolicy(t *testing.T) {
	app := testapp.New(t)
	for _, name := range []string{"staff", "residents"} {
		pw := opsCol(t, app, name).Fields.GetByName("password").(*core.PasswordField)
		if pw.Min != 10 {
			t.Fatalf("%s password minimum %d, want 10", name, pw.Min)
		}
	}
	h := testapp.Handler(t, app)
	owner2 := testapp.ID(t, "residents:owner2@example.com")
	code, body := testapp.Do(t, h, http.MethodPatch, "/api/collections/residents/records/"+owner2,
		`{"oldPassword":"`+demo.Password+`","password":"abc123456","passwordConfirm":"abc123456"}`, "owner2@example.com")
	if code != http.StatusBadRequest || !strings.Contains(body, "密码：内容太短") {
		t.Fatalf("9-character password: %d %s, want 400 密码：内容太短", code, body)
	}
	code, body = testapp.Do(t, h, http.MethodPost, "/api/collections/staff/records?lang=en",
		`{"email":"new@example.com","name":"新人","phone":"13900000099","role":"technician","communities":["`+testapp.ID(t, "community:CH")+
			`"],"password":"short-pw1","passwordConfirm":"short-pw1"}`, "director@example.com")
	if code != http.StatusBadRequest || !strings.Contains(body, "Password: Too short") {
		t.Fatalf("9-character staff password: %d %s, want 400 in English", code, body)
	}
	if opsCount(t, app, "staff", dbx.HashExp{"email": "new@example.com"}) != 0 {
		t.Fatal("a staff account with a short password was made")
	}
	if code, _ := testapp.Do(t, h, http.MethodPost, "/api/collections/residents/auth-with-password",
		`{"identity":"owner2@example.com","password":"`+demo.Password+`"}`, ""); code != http.StatusOK {
		t.Fatalf("the old password stopped working after a refused change: %d", code)
	}
	code, _ = testapp.Do(t, h, http.MethodPatch, "/api/collections/residents/records/"+owner2,
		`{"oldPassword":"`+demo.Password+`","password":"abc1234567","passwordConfirm":"abc1234567"}`, "owner2@example.com")
	if code != http.StatusOK {
		t.Fatalf("10-character password: %d, want 200", code)
	}
}

// Every file field has a size limit, a count limit, a type whitelist that
// no browser would run as a page (no HTML, SVG or scripts), and is
// protected (read with a short-lived file token).
func TestEveryFileFieldIsLimited(t *testing.T) {
	app := testapp.New(t)
	cols, err := app.FindAllCollections()
	if err != nil {
		t.Fatal(err)
	}
	risky := regexp.MustCompile(`(?i)html|svg|xml|javascript|ecmascript|octet-stream|^\*|/\*$`)
	checked := 0
	for _, c := range cols {
		for _, f := range c.Fields {
			ff, ok := f.(*core.FileField)
			if !ok {
				continue
			}
			checked++
			name := c.Name + "." + ff.Name
			if ff.MaxSize <= 0 || ff.MaxSize > 20<<20 {
				t.Errorf("%s: MaxSize %d, want 1 B – 20 MB", name, ff.MaxSize)
			}
			if ff.MaxSelect <= 0 || ff.MaxSelect > 10 {
				t.Errorf("%s: MaxSelect %d, want 1–10", name, ff.MaxSelect)
			}
			if len(ff.MimeTypes) == 0 {
				t.Errorf("%s: any file type accepted", name)
			}
			for _, m := range ff.MimeTypes {
				if risky.MatchString(m) {
					t.Errorf("%s: accepts %s", name, m)
				}
			}
			if !ff.Protected {
				t.Errorf("%s: not protected (readable by anyone with the URL)", name)
			}
		}
	}
	if checked < 8 {
		t.Fatalf("only %d file fields found", checked)
	}
	t.Logf("%d file fields checked", checked)
}

// opsAccount is a demo login for the PII audit: role is the staff role, or
// "resident".
type opsAccount struct{ email, role, id string }

func opsAccounts(t testing.TB) []opsAccount {
	var out []opsAccount
	for _, a := range append(slices.Clone(demo.Staff), demo.OtherStaff...) {
		out = append(out, opsAccount{a.Email, a.Role, testapp.ID(t, "staff:"+a.Email)})
	}
	for _, r := range demo.Residents {
		out = append(out, opsAccount{r.Email, "resident", testapp.ID(t, "residents:"+r.Email)})
	}
	return out
}

func opsRoleIn(a opsAccount, roles ...string) bool { return slices.Contains(roles, a.role) }

// opsPIIAudit is the decision, field by field, of who receives a phone number
// or an ID number in full. Everyone else who may read the record receives
// it masked (139****0001, 110101********1234) or not at all. Which records
// someone may read at all is the API rules' business (tested with them).
var opsPIIAudit = []struct {
	collection, field, who string
	full                   func(a opsAccount, r *core.Record) bool
}{
	{"communities", "phone", "everyone who sees the community: the office's own public number",
		func(opsAccount, *core.Record) bool { return true }},
	{"staff", "phone", "staff of the same community (colleagues call each other); residents cannot read staff",
		func(a opsAccount, _ *core.Record) bool { return a.role != "resident" }},
	{"residents", "phone", "desk, area managers, cashiers, supervisor, director (they call residents); the resident; not technicians, engineers or security",
		func(a opsAccount, r *core.Record) bool {
			return opsRoleIn(a, "front_desk", "area_manager", "cashier", "supervisor", "director") || a.id == r.Id
		}},
	{"complaints", "contact_phone", "desk, area managers, supervisor, director; the handler, whatever the role (answers the complainant); the complainant",
		func(a opsAccount, r *core.Record) bool {
			return opsRoleIn(a, "front_desk", "area_manager", "supervisor", "director") || r.GetString("handler") == a.id || r.GetString("resident") == a.id
		}},
	{"work_orders", "contact_phone", "desk, area managers, cashiers, supervisor, director; the technician of the order (the field app calls the resident) and, for a pool order, the technicians of its trade it is offered to; the requester",
		func(a opsAccount, r *core.Record) bool {
			pool := r.GetString("dispatch_mode") == "pool" && r.GetString("technician") == "" && a.role == "technician"
			return opsRoleIn(a, "front_desk", "area_manager", "cashier", "supervisor", "director") || r.GetString("technician") == a.id || pool || r.GetString("requester") == a.id
		}},
	{"service_demands", "contact_phone", "desk, area managers, cashiers, supervisor, director (the desk answers demands); the resident; technicians, engineers and security see the demand masked (fixed here)",
		func(a opsAccount, r *core.Record) bool {
			return opsRoleIn(a, "front_desk", "area_manager", "cashier", "supervisor", "director") || r.GetString("resident") == a.id
		}},
	{"renovations", "contractor_phone", "every one who may read the renovation: the contractor's business number, which engineering and security call about the works",
		func(opsAccount, *core.Record) bool { return true }},
	{"renovation_passes", "id_no", "supervisor and director only; the desk and the gate check the masked number against the card",
		func(a opsAccount, _ *core.Record) bool { return opsRoleIn(a, "supervisor", "director") }},
	{"key_loans", "borrower_id_no", "supervisor and director only",
		func(a opsAccount, _ *core.Record) bool { return opsRoleIn(a, "supervisor", "director") }},
	{"key_loans", "borrower_phone", "desk, area managers, supervisor, director (lend keys, chase overdue ones); engineers, security, cashiers masked (fixed here)",
		func(a opsAccount, _ *core.Record) bool {
			return opsRoleIn(a, "front_desk", "area_manager", "supervisor", "director")
		}},
	{"incidents", "caller_phone", "every member of staff who reads the incident: security and engineering call whoever raised the alarm",
		func(opsAccount, *core.Record) bool { return true }},
	{"visits", "contact_phone", "every one who reads the visit (desk, area managers, supervisor, director): the household's number for the follow-up",
		func(opsAccount, *core.Record) bool { return true }},
	{"parcels", "picked_up_id_no", "supervisor and director only; the desk checks the card at the counter",
		func(a opsAccount, _ *core.Record) bool { return opsRoleIn(a, "supervisor", "director") }},
	{"lost_items", "finder_phone", "every reader of the register (desk, area managers, security, supervisor, director); residents never read it",
		func(opsAccount, *core.Record) bool { return true }},
	{"lost_items", "claimant_phone", "every reader of the register; residents never read it",
		func(opsAccount, *core.Record) bool { return true }},
	{"lost_items", "claimant_id_no", "supervisor and director only",
		func(a opsAccount, _ *core.Record) bool { return opsRoleIn(a, "supervisor", "director") }},
	{"goods_passes", "applicant_phone", "those who keep and check passes (desk, area managers, security, supervisor, director); the rest of the household masked",
		func(a opsAccount, _ *core.Record) bool {
			return opsRoleIn(a, "front_desk", "area_manager", "security", "supervisor", "director")
		}},
	{"enquiries", "caller_phone", "every keeper of the register (desk, area managers, supervisor, director), who call back",
		func(opsAccount, *core.Record) bool { return true }},
	{"household_members", "phone", "every reader of the household file (desk, area managers, supervisor, director) and the household itself: the number of a member without an account, for the desk to call",
		func(opsAccount, *core.Record) bool { return true }},
	{"household_members", "id_no", "supervisor and director only; the desk, area managers and the household itself see it masked",
		func(a opsAccount, _ *core.Record) bool { return opsRoleIn(a, "supervisor", "director") }},
	{"household_files", "emergency_phone", "every reader of the household file and the household itself: whom the desk calls when the household cannot be reached",
		func(opsAccount, *core.Record) bool { return true }},
	// full nil: nobody but platform administrators (the collection's read rules are nil).
	{"phone_changes", "phone", "nobody: a number being confirmed by a code (hooks/accounts_phone.go); superusers only", nil},
}

var opsPIIField = regexp.MustCompile(`(^|_)(phone|mobile|tel|id_no|id_number|id_card)$`)

// The PII audit: every phone or ID-number field of every collection is in
// the table above, and every demo account receives each value exactly as
// the table says — in lists, and in the residents expanded into other
// collections' records.
func TestPIIAudit(t *testing.T) {
	app := testapp.New(t)
	h := testapp.Handler(t, app)
	accounts := opsAccounts(t)
	cols, err := app.FindAllCollections()
	if err != nil {
		t.Fatal(err)
	}
	residents := opsCol(t, app, "residents")
	residentRule := opsPIIAudit[2]
	if residentRule.collection != "residents" {
		t.Fatal("table order changed")
	}
	var observed, expanded, fullN, maskedN int
	for _, c := range cols {
		if c.System {
			continue
		}
		var expand []string
		for _, f := range c.Fields {
			if rf, ok := f.(*core.RelationField); ok && rf.CollectionId == residents.Id {
				expand = append(expand, rf.Name)
			}
			if !opsPIIField.MatchString(f.GetName()) {
				continue
			}
			if !slices.ContainsFunc(opsPIIAudit, func(p struct {
				collection, field, who string
				full                   func(a opsAccount, r *core.Record) bool
			}) bool {
				return p.collection == c.Name && p.field == f.GetName()
			}) {
				t.Errorf("%s.%s holds personal data and is not in the PII audit table: decide who may read it", c.Name, f.GetName())
			}
		}
		// Residents reached through an expand obey the residents rule.
		if len(expand) > 0 {
			for _, a := range accounts {
				_, body := testapp.Do(t, h, http.MethodGet, "/api/collections/"+c.Name+"/records?perPage=500&expand="+strings.Join(expand, ","), "", a.email)
				for _, it := range listItems(t, body) {
					ex, _ := it["expand"].(map[string]any)
					for _, field := range expand {
						r, _ := ex[field].(map[string]any)
						if r == nil {
							continue
						}
						rec, err := app.FindRecordById("residents", r["id"].(string))
						if err != nil {
							t.Fatal(err)
						}
						expanded++
						if got, _ := r["phone"].(string); (got == rec.GetString("phone")) != residentRule.full(a, rec) {
							t.Errorf("%s sees resident %s's phone as %q through %s.%s", a.email, rec.Id, got, c.Name, field)
						}
					}
				}
			}
		}
	}
	for _, p := range opsPIIAudit {
		col := opsCol(t, app, p.collection)
		if col.Fields.GetByName(p.field) == nil {
			t.Errorf("%s.%s is in the audit table but not in the schema", p.collection, p.field)
			continue
		}
		if p.full == nil {
			if col.ListRule != nil || col.ViewRule != nil {
				t.Errorf("%s.%s is declared superusers-only but the collection has read rules", p.collection, p.field)
			}
			continue
		}
		seen, seenFull, seenMasked := 0, 0, 0
		for _, a := range accounts {
			_, body := testapp.Do(t, h, http.MethodGet, "/api/collections/"+p.collection+"/records?perPage=500", "", a.email)
			for _, it := range listItems(t, body) {
				rec, err := app.FindRecordById(p.collection, it["id"].(string))
				if err != nil {
					t.Fatal(err)
				}
				raw := rec.GetString(p.field)
				if raw == "" {
					continue
				}
				seen++
				got, _ := it[p.field].(string)
				want := p.full(a, rec)
				switch {
				case want && got != raw:
					t.Errorf("%s.%s of %s: %s receives %q, want it in full (%s)", p.collection, p.field, rec.Id, a.email, got, p.who)
				case !want && got == raw:
					t.Errorf("%s.%s of %s: %s receives it in full, want it masked (%s)", p.collection, p.field, rec.Id, a.email, p.who)
				case !want && len(got) >= 11 && strings.Contains(raw, strings.Trim(got, "*")):
					t.Errorf("%s.%s: %s receives %q, too much of %q", p.collection, p.field, a.email, got, raw)
				case want:
					seenFull++
				default:
					seenMasked++
				}
			}
		}
		if seen == 0 {
			t.Errorf("%s.%s: the demo data give the audit nothing to look at", p.collection, p.field)
		}
		observed += seen
		fullN += seenFull
		maskedN += seenMasked
	}
	t.Logf("PII audit: %d values seen by %d accounts (%d in full, %d masked or hidden), and %d residents reached through an expand",
		observed, len(accounts), fullN, maskedN, expanded)
}

// No secret is kept in the repository: no private key, no access key, no
// password or token literal other than the documented demo password (and
// the browser tests' sandbox key), and a fresh installation — migrations
// plus the demo — has no superuser: the first one is made by the operator.
func TestNoSecretsInRepo(t *testing.T) {
	out, err := exec.Command("git", "-C", "..", "ls-files").Output()
	var files []string
	if err == nil {
		files = strings.Fields(string(out))
	} else { // no git (a source tarball): every file but the vendored ones
		_ = filepath.WalkDir("..", func(p string, d fs.DirEntry, err error) error {
			if err == nil && d.IsDir() && (d.Name() == "node_modules" || d.Name() == ".git" || d.Name() == "vendor") {
				return filepath.SkipDir
			}
			if err == nil && !d.IsDir() {
				files = append(files, strings.TrimPrefix(p, "../"))
			}
			return nil
		})
	}
	patterns := map[string]*regexp.Regexp{
		"private key":       regexp.MustCompile(`-----BEGIN ([A-Z]+ )?PRIVATE KEY-----`),
		"AWS access key":    regexp.MustCompile(`\bAKIA[0-9A-Z]{16}\b`),
		"GitHub token":      regexp.MustCompile(`\bgh[pousr]_[A-Za-z0-9]{36}\b`),
		"Slack token":       regexp.MustCompile(`\bxox[abpr]-[A-Za-z0-9-]{10,}`),
		"secret assignment": regexp.MustCompile(`(?i)(secret|passw(or)?d|api_?key|access_?key|token)["']?\s*[:=]\s*["'][^"'\s]{8,}["']`),
	}
	allowed := []string{demo.Password, "e2e-sandbox", "not-the-password"}
	scanned := 0
	for _, f := range files {
		if strings.HasSuffix(f, ".png") || strings.HasSuffix(f, ".jpg") || f == "package-lock.json" || f == "go.sum" {
			continue
		}
		b, err := os.ReadFile(filepath.Join("..", f))
		if err != nil {
			continue // listed but removed in the working tree
		}
		scanned++
		for name, re := range patterns {
			if name == "secret assignment" && (strings.HasSuffix(f, "_test.go") || strings.HasSuffix(f, ".test.mjs")) {
				continue // throwaway passwords of the tests' own accounts
			}
			for _, m := range re.FindAllString(string(b), -1) {
				if !slices.ContainsFunc(allowed, func(a string) bool { return strings.Contains(m, a) }) {
					t.Errorf("%s: %s: %s", f, name, m)
				}
			}
		}
	}
	if scanned < 50 {
		t.Fatalf("only %d files scanned", scanned)
	}

	empty := t.TempDir()
	app, err := tests.NewTestApp(empty)
	if err != nil {
		t.Fatal(err)
	}
	defer app.Cleanup()
	hooks.Register(app)
	if _, err := demo.Load(app); err != nil {
		t.Fatal(err)
	}
	if n := opsCount(t, app, core.CollectionNameSuperusers); n != 0 {
		t.Fatalf("migrations and the demo made %d superusers", n)
	}
	t.Logf("%d files scanned", scanned)
}
