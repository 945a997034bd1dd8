package hooks

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/pocketbase/dbx"
	validation "github.com/pocketbase/ozzo-validation/v4"
	"github.com/pocketbase/pocketbase/apis"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/hook"
	"github.com/pocketbase/pocketbase/tools/router"
	"github.com/pocketbase/pocketbase/tools/types"
)

// Bad input the bad-input corpus (hooks/guard_input_test.go) found getting
// through, refused or ignored here in one place (docs/DESIGN.md, "Operations"). PocketBase casts
// what a client sends into each field's type, so a wrong type used to be
// stored as something else (an object as "", "abc" as 0, 5 as true, a
// number as a 1970 date); a body with trailing garbage was read up to its
// first value; fields only Wuye sets could be sent on some documents; and a
// record could point at records of another community.
//
//   - requireJSONObject: a JSON request body is exactly one JSON object.
//   - checkInput, before the domain hooks: each value sent has its field's
//     type; amounts of money are whole fen below maxFen; no file field gets
//     more files than it holds; civil dates are real dates in order; a key
//     is not due back before it is lent. (Fields only Wuye sets are cleared
//     by each domain's create hook: serverOwned in complaints.go, …)
//   - checkScope, after the domain hooks: every record a document points to
//     belongs to the document's community (and unit or renovation).
//   - englishMoney: English messages show amounts as ¥12.50, not "12.50 元".

// maxFen bounds an amount of money a client sends: 100 million yuan, far
// above any bill, deposit or price of a property office.
const maxFen = 10_000_000_000

// civilDate is the pattern of the date-only text fields (YYYY-MM-DD).
const civilDate = `^\d{4}-\d{2}-\d{2}$`

// editableOnUpdate lists, for collections whose update hook does not judge
// every field, the fields a client may change; any other change is refused.
var editableOnUpdate = map[string][]string{
	// The desk answers a demand (its status follows) and corrects the
	// contact; who asked, for what and where stays as recorded.
	"service_demands": {"answer", "contact_name", "contact_phone"},
}

// datesInOrder are, per collection, date fields that must not be earlier
// than another (later, earlier), besides those the domain hooks check.
var datesInOrder = map[string][][2]string{
	"fee_items": {{"active_to", "active_from"}},
}

// scopeExempt are relations whose community the domain hooks already check
// with their own words, or that may legitimately cross communities.
var scopeExempt = map[string]bool{
	"units.building": true, "buildings.area": true, "areas.manager": true, "staff.communities": true,
	"complaints.unit": true, "complaints.building": true, "complaints.handler": true, "complaints.resident": true, "complaints.hot_group": true,
	"work_orders.unit": true, "work_orders.building": true, "work_orders.technician": true, "work_orders.requester": true,
	"work_orders.rework_of": true, "payments.bills": true, "payments.reverses": true,
	// A resident may live in several communities: people belong to none.
	"unit_residents.resident": true,
}

func registerInputGuard(app core.App) {
	app.OnServe().BindFunc(func(se *core.ServeEvent) error {
		se.Router.BindFunc(requireJSONObject)
		// Outside localizeErrors, to see the message it wrote.
		se.Router.Bind(&hook.Handler[*core.RequestEvent]{Func: englishMoney, Priority: -1})
		return se.Next()
	})
	for _, h := range []*hook.TaggedHook[*core.RecordRequestEvent]{app.OnRecordCreateRequest(), app.OnRecordUpdateRequest()} {
		h.Bind(&hook.Handler[*core.RecordRequestEvent]{Func: checkInput, Priority: -20})
		h.BindFunc(checkScope) // last: after the domain hooks have filled the record in
	}
}

// requireJSONObject refuses a JSON request body that is not exactly one
// JSON object (PocketBase reads the first value and ignores what follows).
// A provider's payment callback is read and verified by its own handler.
func requireJSONObject(e *core.RequestEvent) error {
	r := e.Request
	if (r.Method != http.MethodPost && r.Method != http.MethodPatch && r.Method != http.MethodPut) ||
		!strings.HasPrefix(r.Header.Get("Content-Type"), "application/json") || r.ContentLength == 0 ||
		strings.HasSuffix(r.URL.Path, "/callback") {
		return e.Next()
	}
	raw, err := io.ReadAll(r.Body)
	if err != nil {
		return apis.NewBadRequestError(badJSON, nil)
	}
	// The body-limit middleware wraps the router's rereadable body in a
	// reader that stays at its end once read: hand on a fresh rereadable one.
	r.Body = &router.RereadableReadCloser{ReadCloser: io.NopCloser(bytes.NewReader(raw))}
	if len(bytes.TrimSpace(raw)) > 0 && !oneJSONObject(raw) {
		return apis.NewBadRequestError(badJSON, nil)
	}
	return e.Next()
}

const badJSON = "The request body is not a valid JSON object."

func oneJSONObject(raw []byte) bool {
	if !utf8.Valid(raw) {
		return false
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	tok, err := dec.Token()
	if err != nil || tok != json.Delim('{') {
		return false
	}
	seen := map[string]bool{}
	for dec.More() {
		key, err := dec.Token()
		if err != nil {
			return false
		}
		k, _ := key.(string)
		if seen[k] {
			return false // a duplicated name: which value counts?
		}
		seen[k] = true
		var v json.RawMessage
		if err := dec.Decode(&v); err != nil {
			return false
		}
	}
	if _, err := dec.Token(); err != nil { // the closing brace
		return false
	}
	_, err = dec.Token()
	return errors.Is(err, io.EOF) // and nothing after it
}

// checkInput judges the values of a create or update request before the
// domain hooks see them, and clears the fields only Wuye sets.
func checkInput(e *core.RecordRequestEvent) error {
	col := e.Collection
	errs := validation.Errors{}
	ct := e.Request.Header.Get("Content-Type")
	switch {
	case strings.HasPrefix(ct, "application/json"):
		if body := rawJSONBody(e.Request); body != nil {
			checkValues(col, body, errs)
		}
	case strings.HasPrefix(ct, "multipart/form-data") && e.Request.MultipartForm != nil:
		form := e.Request.MultipartForm
		for key, values := range form.Value {
			if key == "@jsonPayload" {
				for _, v := range values {
					var body map[string]any
					dec := json.NewDecoder(strings.NewReader(v))
					dec.UseNumber()
					if dec.Decode(&body) == nil {
						checkValues(col, body, errs)
					}
				}
				continue
			}
			if f := col.Fields.GetByName(fieldOf(key)); f != nil {
				if err := formValueProblem(f, key, values); err != nil {
					errs[f.GetName()] = err
				}
			}
		}
		for key, files := range form.File {
			f, ok := col.Fields.GetByName(fieldOf(key)).(*core.FileField)
			if ok && f.MaxSelect > 0 && len(files) > f.MaxSelect {
				errs[f.GetName()] = codedError("validation_too_many_files")
			}
		}
	}
	r := e.Record
	var orig *core.Record
	if !r.IsNew() {
		orig = r.Original()
	}
	changed := func(f string) bool { return orig == nil || fmt.Sprint(orig.Get(f)) != fmt.Sprint(r.Get(f)) }
	for _, f := range col.Fields {
		name := f.GetName()
		if _, ok := errs[name]; ok || !changed(name) {
			continue
		}
		switch f := f.(type) {
		case *core.NumberField:
			if v := r.GetFloat(name); strings.HasSuffix(name, "_fen") && math.Abs(v) > maxFen {
				errs[name] = codedError("wuye_amount_too_large")
			}
		case *core.TextField:
			if f.Pattern == civilDate {
				if err := checkDate(r, name); err != nil {
					errs[name] = err.(validation.Errors)[name]
				}
			}
		}
	}
	checkText(col, r, orig, errs) // invisible characters: hooks/guard_text.go
	if len(errs) > 0 {
		return badRequest(errs)
	}
	for _, pair := range datesInOrder[col.Name] {
		if err := notBefore(r, pair[0], pair[1]); err != nil {
			return badRequest(err.(validation.Errors))
		}
	}
	if orig == nil {
		if err := checkNewDates(col.Name, r); err != nil {
			return err
		}
	} else {
		if allowed, ok := editableOnUpdate[col.Name]; ok {
			for _, f := range changedFields(orig, r) {
				if !slices.Contains(allowed, f) {
					return badRequest(validation.Errors{f: codedError("wuye_field_locked")})
				}
			}
		}
		if col.Name == "unit_residents" {
			// A link is current until its end date: the flag follows the
			// date, whatever was sent for it (see validateLink).
			until := r.GetString("until")
			r.Set("active", until == "" || until > today())
		}
	}
	return e.Next()
}

// checkNewDates: a key lent now comes back later. (A violation's
// rectification date may have passed: notices served on paper are entered
// afterwards.)
func checkNewDates(collection string, r *core.Record) error {
	if collection == "key_loans" {
		if due := r.GetDateTime("due_at"); !due.IsZero() && !due.Time().After(now()) {
			return badRequest(validation.Errors{"due_at": codedError("wuye_date_before", "借出时间", "time of the loan")})
		}
	}
	return nil
}

// rawJSONBody is the request's JSON object with numbers kept as written, or
// nil when it cannot be read (requireJSONObject answers that).
func rawJSONBody(r *http.Request) map[string]any {
	raw, err := io.ReadAll(r.Body)
	if err != nil {
		return nil
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var body map[string]any
	if dec.Decode(&body) != nil {
		return nil
	}
	return body
}

// fieldOf strips PocketBase's modifiers from a body key ("photos+",
// "+photos", "amount-").
func fieldOf(key string) string {
	return strings.TrimSuffix(strings.TrimSuffix(strings.TrimPrefix(key, "+"), "+"), "-")
}

// checkValues puts a wrong-type error in errs for every value of body whose
// JSON type does not fit its field.
func checkValues(col *core.Collection, body map[string]any, errs validation.Errors) {
	for key, v := range body {
		f := col.Fields.GetByName(fieldOf(key))
		if f == nil || v == nil {
			continue
		}
		if err := jsonValueProblem(f, v); err != nil {
			errs[f.GetName()] = err
		}
	}
}

// The kinds of value, for the wrong-type message.
var (
	kindNumber  = [2]string{"数字", "a number"}
	kindBool    = [2]string{"是或否（true/false）", "true or false"}
	kindText    = [2]string{"文字", "text"}
	kindDate    = [2]string{"日期时间", "a date and time"}
	kindOne     = [2]string{"一个选项或记录编号", "one option or record id"}
	kindList    = [2]string{"选项或记录编号的列表", "a list of options or record ids"}
	kindFiles   = [2]string{"文件", "files"}
	wrongTypeOf = func(k [2]string) error { return codedError("wuye_wrong_type", k[0], k[1]) }
)

// jsonValueProblem judges JSON value v for field f: numbers as numbers (or
// numeric text), true/false for yes-or-no, text for text, a real date and
// time for dates, one id or option for a single choice, a list of them for
// a multiple one. JSON fields take anything.
func jsonValueProblem(f core.Field, v any) error {
	str, isStr := v.(string)
	_, isNum := v.(json.Number)
	list, isList := v.([]any)
	switch f := f.(type) {
	case *core.NumberField:
		if strings.HasSuffix(f.Name, "_fen") {
			return fenValueProblem(v, false) // hooks/guard_text.go
		}
		if isNum || (isStr && (str == "" || isNumeric(str))) {
			return nil
		}
		return wrongTypeOf(kindNumber)
	case *core.BoolField:
		if _, ok := v.(bool); ok {
			return nil
		}
		if isStr && (str == "" || str == "true" || str == "false") {
			return nil
		}
		return wrongTypeOf(kindBool)
	case *core.TextField, *core.EmailField, *core.URLField, *core.EditorField, *core.PasswordField:
		if isStr || isNum {
			return nil
		}
		return wrongTypeOf(kindText)
	case *core.DateField:
		if isStr && (str == "" || validDateTime(str)) {
			return nil
		}
		return wrongTypeOf(kindDate)
	case *core.SelectField:
		return choiceProblem(f.IsMultiple(), isStr, list, isList)
	case *core.RelationField:
		return choiceProblem(f.IsMultiple(), isStr, list, isList)
	case *core.FileField:
		if isStr || (isList && allStrings(list)) {
			return nil
		}
		return wrongTypeOf(kindFiles)
	}
	return nil
}

func choiceProblem(multiple, isStr bool, list []any, isList bool) error {
	switch {
	case isStr:
		return nil
	case isList && allStrings(list) && (multiple || len(list) <= 1):
		return nil
	case multiple:
		return wrongTypeOf(kindList)
	}
	return wrongTypeOf(kindOne)
}

func allStrings(list []any) bool {
	for _, x := range list {
		if _, ok := x.(string); !ok {
			return false
		}
	}
	return true
}

func isNumeric(s string) bool {
	v, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
	return err == nil && !math.IsInf(v, 0) && !math.IsNaN(v)
}

// validDateTime reports whether s is a date and time PocketBase stores as
// written: "2026-11-23 08:00:00.000Z", RFC 3339, or a plain date.
var dateTimeShape = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}([ T]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$`)

func validDateTime(s string) bool {
	s = strings.TrimSpace(s)
	if !dateTimeShape.MatchString(s) {
		return false
	}
	if _, err := time.Parse(time.DateOnly, s[:10]); err != nil {
		return false // 2026-02-30
	}
	dt, err := types.ParseDateTime(s)
	return err == nil && !dt.IsZero()
}

// formValueProblem judges the form values of a multipart request: they are
// all text, so numbers, yes-or-no and dates must read as such, and a single
// choice has one value.
func formValueProblem(f core.Field, key string, values []string) error {
	for _, v := range values {
		switch f.(type) {
		case *core.NumberField:
			if strings.HasSuffix(f.GetName(), "_fen") {
				if err := fenValueProblem(v, true); err != nil { // hooks/guard_text.go
					return err
				}
			}
			if v != "" && !isNumeric(v) {
				return wrongTypeOf(kindNumber)
			}
		case *core.BoolField:
			if v != "" && v != "true" && v != "false" {
				return wrongTypeOf(kindBool)
			}
		case *core.DateField:
			if v != "" && !validDateTime(v) {
				return wrongTypeOf(kindDate)
			}
		}
	}
	single := false
	switch f := f.(type) {
	case *core.SelectField:
		single = !f.IsMultiple()
	case *core.RelationField:
		single = !f.IsMultiple()
	case *core.NumberField, *core.BoolField, *core.DateField, *core.TextField:
		single = true
	}
	if single && len(values) > 1 && key == f.GetName() {
		return wrongTypeOf(kindOne)
	}
	return nil
}

// checkScope refuses a document that points at a record of another
// community: a unit, a deposit, a service, a key, a staff member, a
// resident. Where both the document and the record it points at belong to a
// unit or a renovation, it must be the same one (a renovation's deposit is
// the deposit of that renovation's unit).
func checkScope(e *core.RecordRequestEvent) error {
	r := e.Record
	// A document stays in the community it was made in: on an update the
	// community is the stored record's.
	var orig *core.Record
	home := ""
	if r.IsNew() {
		home = homeCommunity(e.App, r)
	} else {
		orig = r.Original()
		home = homeCommunity(e.App, orig)
	}
	if home == "" {
		return e.Next()
	}
	for _, field := range r.Collection().Fields {
		rel, ok := field.(*core.RelationField)
		name := field.GetName()
		if !ok || scopeExempt[r.Collection().Name+"."+name] {
			continue
		}
		if orig != nil && fmt.Sprint(orig.Get(name)) == fmt.Sprint(r.Get(name)) {
			continue
		}
		if name == "community" {
			if orig != nil {
				return badRequest(validation.Errors{name: codedError("wuye_immutable")})
			}
			continue
		}
		for _, id := range r.GetStringSlice(name) {
			// The signed-in account itself (a receiver) was loaded with the
			// request already.
			target := e.Auth
			if target == nil || id != target.Id || rel.CollectionId != target.Collection().Id {
				var err error
				if target, err = e.App.FindRecordById(rel.CollectionId, id); err != nil {
					continue // PocketBase refuses an id that does not exist
				}
			}
			if err := inScope(e.App, r, target, home); err != nil {
				return badRequest(validation.Errors{name: err})
			}
		}
	}
	return e.Next()
}

// homeCommunity is the community document r belongs to: its own, or (while
// a hook has yet to fill that in) that of the unit, renovation, deposit,
// complaint, key or building it is about.
func homeCommunity(app core.App, r *core.Record) string {
	fields := r.Collection().Fields
	if _, ok := fields.GetByName("community").(*core.RelationField); ok && r.GetString("community") != "" {
		return r.GetString("community")
	}
	for _, parent := range []string{"unit", "renovation", "deposit", "complaint", "key", "building"} {
		rel, ok := fields.GetByName(parent).(*core.RelationField)
		if !ok || r.GetString(parent) == "" {
			continue
		}
		if p, err := app.FindRecordById(rel.CollectionId, r.GetString(parent)); err == nil {
			return p.GetString("community")
		}
	}
	return ""
}

// inScope judges target, a record r points at, against r's community home.
func inScope(app core.App, r, target *core.Record, home string) error {
	tc := target.Collection()
	switch {
	case tc.Fields.GetByName("community") != nil:
		if target.GetString("community") != home {
			return codedError("wuye_other_community")
		}
	case tc.Name == "staff":
		if !servesCommunity(target, home) {
			return codedError("wuye_other_community")
		}
	case tc.Name == "residents":
		n, err := app.CountRecords("unit_residents", dbx.HashExp{"resident": target.Id, "active": true},
			dbx.NewExp("unit IN (SELECT id FROM units WHERE community = {:c})", dbx.Params{"c": home}))
		if err != nil || n == 0 {
			return codedError("wuye_not_living_here")
		}
	}
	if tc.Id == r.Collection().Id {
		return nil
	}
	for _, parent := range []string{"unit", "renovation"} {
		if _, ok := tc.Fields.GetByName(parent).(*core.RelationField); !ok {
			continue
		}
		mine, theirs := r.GetString(parent), target.GetString(parent)
		if _, ok := r.Collection().Fields.GetByName(parent).(*core.RelationField); ok && mine != "" && theirs != "" && mine != theirs {
			return codedError("wuye_other_" + parent)
		}
	}
	return nil
}

// yuanInText is an amount as lib/money writes it, "1157.45 元".
var yuanInText = regexp.MustCompile(`(-?\d+\.\d{2}) 元`)

// englishMoney writes amounts in English messages as ¥1157.45: the
// messages share their parameters between the languages, and lib/money
// writes them for the Chinese text.
func englishMoney(e *core.RequestEvent) error {
	err := e.Next()
	var apiErr *router.ApiError
	if err == nil || requestLang(e.Request) != "en" || !errors.As(err, &apiErr) {
		return err
	}
	apiErr.Message = yuanInText.ReplaceAllString(apiErr.Message, "¥$1")
	for _, item := range apiErr.Data {
		if m, ok := item.(map[string]any); ok {
			if s, ok := m["message"].(string); ok {
				m["message"] = yuanInText.ReplaceAllString(s, "¥$1")
			}
		}
	}
	return err
}
