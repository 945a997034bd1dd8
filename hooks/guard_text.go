package hooks

import (
	"bytes"
	"encoding/json"
	"regexp"
	"strings"
	"unicode"

	validation "github.com/pocketbase/ozzo-validation/v4"
	"github.com/pocketbase/pocketbase/core"
)

// Invisible characters in text (issue #16, item 15), judged in checkInput
// for every text, editor, email and URL field and every string of a JSON
// field (materials names, checklists) a create or update request changes:
//
//   - NUL and the other C0 control characters (but tab, line feed and
//     carriage return) and DEL are refused: they are never typed, they cut
//     C strings short and make the .xlsx exports invalid XML.
//   - The bidirectional overrides and isolates (U+202A–U+202E,
//     U+2066–U+2069) are refused: they make "张三 ‮0001-6202" read as
//     another text than it is — a name, a phone number or an amount that
//     displays differently from what is stored is a spoofing tool, never
//     an input.
//   - Zero-width characters (U+200B–U+200D, U+2060, U+FEFF) are stripped:
//     they come in innocently with text pasted from WeChat, web pages and
//     Word (a BOM, a zero-width space between Chinese words), and a clerk
//     cannot see them to remove them; stripping keeps "张三" and "张​三"
//     from being two different names. A zero-width joiner between two
//     emoji (👨‍👩‍👧 in a resident's complaint) is kept: there it is part of
//     the picture.
//
// Passwords are left as they are: they are never shown.

func init() {
	messages["wuye_text_control"] = text{"含有不可见的控制字符（如 NUL），请删除后重新输入", "Contains an invisible control character (such as NUL); remove it and try again."}
	messages["wuye_text_bidi"] = text{"含有改变文字显示方向的隐藏字符，请删除后重新输入", "Contains a hidden character that changes the direction of the text; remove it and try again."}
}

func isControl(r rune) bool {
	return (r < 0x20 && r != '\t' && r != '\n' && r != '\r') || r == 0x7f
}

func isBidiControl(r rune) bool {
	return (r >= 0x202a && r <= 0x202e) || (r >= 0x2066 && r <= 0x2069)
}

func isZeroWidth(r rune) bool {
	return (r >= 0x200b && r <= 0x200d) || r == 0x2060 || r == 0xfeff
}

// pictographic: a neighbour that makes a zero-width joiner part of an
// emoji sequence (a symbol, the emoji presentation selector, a skin tone).
func pictographic(r rune) bool {
	return unicode.Is(unicode.So, r) || r == 0xfe0f || (r >= 0x1f3fb && r <= 0x1f3ff)
}

// textProblem is the code of the refused character in s ("" when none).
func textProblem(s string) string {
	for _, r := range s {
		switch {
		case isControl(r):
			return "wuye_text_control"
		case isBidiControl(r):
			return "wuye_text_bidi"
		}
	}
	return ""
}

// stripZeroWidth removes the zero-width characters of s but a joiner
// between two pictographs.
func stripZeroWidth(s string) string {
	if !strings.ContainsFunc(s, isZeroWidth) {
		return s
	}
	rs := []rune(s)
	var b strings.Builder
	for i, r := range rs {
		if isZeroWidth(r) {
			if r == 0x200d && i > 0 && i+1 < len(rs) && pictographic(rs[i-1]) && pictographic(rs[i+1]) {
				b.WriteRune(r)
			}
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

// checkText judges the changed text and JSON fields of r (orig: the stored
// record, nil on create), putting a refusal in errs and stripping what is
// stripped in place.
func checkText(col *core.Collection, r, orig *core.Record, errs validation.Errors) {
	for _, f := range col.Fields {
		name := f.GetName()
		if _, done := errs[name]; done {
			continue
		}
		switch f.Type() {
		case core.FieldTypeText, core.FieldTypeEditor, core.FieldTypeEmail, core.FieldTypeURL:
			s := r.GetString(name)
			if orig != nil && orig.GetString(name) == s {
				continue
			}
			if code := textProblem(s); code != "" {
				errs[name] = codedError(code)
			} else if t := stripZeroWidth(s); t != s {
				r.Set(name, t)
			}
		case core.FieldTypeJSON:
			raw := r.GetString(name)
			if raw == "" || (orig != nil && orig.GetString(name) == raw) || !strings.ContainsFunc(raw, func(c rune) bool {
				return c == '\\' || isControl(c) || isBidiControl(c) || isZeroWidth(c)
			}) {
				continue // nothing escaped or invisible: nothing to look at
			}
			v, ok := decodeNumbers(raw)
			if !ok {
				continue // PocketBase's own validation refuses it
			}
			code, stripped := "", false
			v = walkStrings(v, func(s string) string {
				if code == "" {
					code = textProblem(s)
				}
				t := stripZeroWidth(s)
				stripped = stripped || t != s
				return t
			})
			if code != "" {
				errs[name] = codedError(code)
			} else if stripped {
				r.Set(name, v)
			}
		}
	}
}

func decodeNumbers(raw string) (any, bool) {
	dec := json.NewDecoder(bytes.NewReader([]byte(raw)))
	dec.UseNumber()
	var v any
	if dec.Decode(&v) != nil {
		return nil, false
	}
	return v, true
}

// walkStrings maps every string of a decoded JSON value, keys included.
func walkStrings(v any, f func(string) string) any {
	switch v := v.(type) {
	case string:
		return f(v)
	case []any:
		for i := range v {
			v[i] = walkStrings(v[i], f)
		}
		return v
	case map[string]any:
		out := make(map[string]any, len(v))
		for k, x := range v {
			out[f(k)] = walkStrings(x, f)
		}
		return out
	}
	return v
}

// canonicalInt is how a whole number of fen reads in a form body (a form
// value is always text): digits, a minus sign for a reversal, no leading
// zero, no exponent, point or space.
var canonicalInt = regexp.MustCompile(`^-?(0|[1-9][0-9]{0,17})$`)

// fenValueProblem judges the value of a *_fen field: a JSON body sends a
// JSON number (the string "100" is refused: a client that quotes amounts
// has its numbers from somewhere unchecked); a form body, whose values are
// all text, a canonical whole number.
func fenValueProblem(v any, form bool) error {
	if form {
		if s, _ := v.(string); s == "" || canonicalInt.MatchString(s) {
			return nil
		}
		return wrongTypeOf(kindNumber)
	}
	if _, ok := v.(json.Number); ok {
		return nil
	}
	return wrongTypeOf(kindNumber)
}
