package hooks_test

// The bad-input corpus's families of issue #16 (item 3 and item 15), tried
// on every field of every path as the rest of the corpus is
// (hooks/guard_input_test.go): invisible characters in every text and editor
// field and in every JSON field's strings, amounts of money sent as text in
// a JSON body or not as a canonical whole number in a form body, amounts
// just beyond the bound, and a work order's materials line by line.

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"

	"github.com/pocketbase/pocketbase/core"

	"wuye/hooks"
)

// hasZeroWidth: what the server strips must not be stored.
func hasZeroWidth(s string) bool {
	return strings.ContainsAny(s, "\u200b\u200c\u200d\u2060\ufeff")
}

// invisibleBase is a value of text field f that is valid but for what a
// case adds to it.
func (fx *biFixture) invisibleBase(col *core.Collection, f core.Field, current any) string {
	if s, ok := current.(string); ok && s != "" {
		return s
	}
	if v, ok := fx.altValue(col, f, current); ok {
		if s, ok := v.(string); ok {
			return s
		}
	}
	return "测试"
}

// invisibleValues are, for a valid text, the same text with a character
// that is refused (NUL, a control, bidi controls) or stripped (zero width).
func invisibleValues(base string) (refused map[string]string, stripped string) {
	r := []rune(base)
	head, tail := string(r[:1]), string(r[1:])
	return map[string]string{
			"NUL":                      base + "\x00",
			"an escape character":      head + "\x1b" + tail,
			"a right-to-left override": "\u202e" + base,
			"a left-to-right isolate":  head + "\u2066" + tail + "\u2069",
		},
		"\ufeff" + head + "\u200b" + tail + "\u2060"
}

// invisibleCases are the cases of the invisible-characters family for field
// f of a path: body makes the request with the value, stored finds the
// record a 2xx answer wrote, owned says whether the caller may set f.
func (r *biRun) invisibleCases(col *core.Collection, f core.Field, base string, owned bool, mk func(name string, v any) biCase,
	stored func(body string) (*core.Record, error), ignored func(v any) func(string) string) []biCase {
	name := f.GetName()
	var out []biCase
	switch f.Type() {
	case core.FieldTypeText, core.FieldTypeEditor:
		refused, zw := invisibleValues(base)
		for _, k := range sortedKeys(refused) {
			c := mk(name+" with "+k, refused[k])
			if !owned {
				c.accept = ignored(refused[k])
			}
			out = append(out, c)
		}
		c := mk(name+" with zero-width characters", zw)
		c.accept = func(body string) string {
			rec, err := stored(body)
			if err != nil {
				return "answered 2xx without a record: " + short(body)
			}
			if hasZeroWidth(rec.GetString(name)) {
				return fmt.Sprintf("zero-width characters were stored in %s: %q", name, rec.GetString(name))
			}
			return ""
		}
		out = append(out, c)
	case core.FieldTypeJSON:
		for k, v := range map[string]any{
			"NUL in a string":            []any{map[string]any{"name": "水\x00管", "qty": 1, "price_fen": 100}},
			"a bidi override in a key":   map[string]any{"\u202ename": "x"},
			"a bidi isolate in a string": []any{"\u2067abc"},
		} {
			c := mk(name+" with "+k, v)
			if !owned {
				c.accept = ignored(v)
			}
			out = append(out, c)
		}
	}
	return out
}

// moneyTextValues are amounts a JSON body must not carry: text, even
// numeric, and just beyond the bound.
var moneyTextValues = [][2]any{{"as the text \"100\"", "100"}, {"as the text \"\"", ""}, {"just beyond the bound", hooks.MaxFen + 1}}

// moneyFormValues are amounts a form body must not carry: anything but a
// canonical whole number.
var moneyFormValues = []string{"1e2", "100.0", "0100", "+100", " 100"}

// moneyFormCase sends m as a form body.
func moneyFormCase(family, name, method, url, who string, m map[string]any) biCase {
	body, ct := multipartBody(m, nil)
	return biCase{family: family, name: name, method: method, url: url, body: body, ctype: ct, who: who}
}

// materialCases are the materials family: lines a technician records on an
// order in progress, each bad in one way.
func materialCases(url string) []biCase {
	line := func(name string, qty, price any) string {
		n, _ := json.Marshal(name)
		return fmt.Sprintf(`{"name":%s,"qty":%v,"price_fen":%v}`, n, qty, price)
	}
	good := line("生料带", 1, 300)
	var out []biCase
	for _, c := range [][2]string{
		{"quantity 9e16", line("水管", "9e16", 100)},
		{"quantity 10000.01", line("水管", 10000.01, 100)},
		{"quantity 0", line("水管", 0, 100)},
		{"quantity -1", line("水管", -1, 100)},
		{"quantity 1.234", line("水管", 1.234, 100)},
		{"quantity as text", line("水管", `"2"`, 100)},
		{"quantity missing", `{"name":"水管","price_fen":100}`},
		{"price -5", line("水管", 1, -5)},
		{"price 12.5", line("水管", 1, 12.5)},
		{"price as text", line("水管", 1, `"100"`)},
		{"price 100万元 and a fen", line("水管", 1, 100000001)},
		{"price 9e18", line("水管", 1, "9e18")},
		{"line over 100万元", line("水管", 10000, 10001)},
		{"name blank", line(" ", 1, 100)},
		{"name of 101 characters", line(strings.Repeat("管", 101), 1, 100)},
		{"name with NUL", line("水\x00管", 1, 100)},
		{"name with a bidi override", line("水管\u202e", 1, 100)},
		{"not an object", `"水管"`},
		{"null", `null`},
	} {
		for _, at := range []struct{ name, body string }{
			{"line 1: ", `{"materials":[` + c[1] + `]}`},
			{"line 2, completing: ", `{"status":"completed","payment":"unpaid","materials":[` + good + `,` + c[1] + `]}`},
		} {
			out = append(out, biCase{family: "materials", name: "work order in progress: " + at.name + c[0], method: http.MethodPatch,
				url: url, body: []byte(at.body), who: "tech1@example.com"})
		}
	}
	// Lines each within bounds whose sum is not: 101 lines of 100万元 > 1亿元.
	lines := make([]string, 101)
	for i := range lines {
		lines[i] = line("设备", 1, 100000000)
	}
	out = append(out, biCase{family: "materials", name: "work order in progress: 101 lines of 100万元", method: http.MethodPatch,
		url: url, body: []byte(`{"materials":[` + strings.Join(lines, ",") + `]}`), who: "tech1@example.com"})
	return out
}
