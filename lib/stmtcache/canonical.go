package stmtcache

import (
	"database/sql/driver"
	"slices"
	"strings"
)

// PocketBase checks a create request against the collection's create rule
// with a query of its own (apis/record_crud.go, recordCreate):
//
//	WITH `complaints__pb_create__V4k0Q3` as (SELECT ? AS `result`,? AS `id`,…)
//	SELECT DISTINCT (1) FROM `complaints__pb_create__V4k0Q3` LEFT JOIN … WHERE …
//
// The CTE's name ends in six random characters, and its columns come in the
// order of a Go map's iteration, so the text is new on every create and no
// kept statement ever served it: each create compiled it anew — for a
// complaint a CTE of 42 columns and the rule's seven joins, the largest
// statement of the create (issue #23, BENCHMARKS.md § Creates).
//
// createRuleCanonical gives the same statement one text: the random part
// replaced by a fixed one everywhere in the text (it names only the CTE and
// the joins' aliases built from it) and the CTE's columns in the order of
// their names, each with its own argument moved along. The rest of the
// query refers to the columns by name and selects only (1), so the
// statement means what it meant. Anything not exactly of that form — the
// CTE's select list must be placeholders named by AS and nothing else, its
// arguments bound by position — is returned unchanged.
func createRuleCanonical(query string, args []driver.NamedValue) (string, []driver.NamedValue) {
	const with, marker, as = "WITH `", "__pb_create__", "` as (SELECT "
	const random = 6 // security.PseudorandomString(6)
	if !strings.HasPrefix(query, with) {
		return query, args
	}
	end := strings.Index(query, as)
	if end < 0 {
		return query, args
	}
	name := query[len(with):end]
	m := strings.LastIndex(name, marker)
	if m < 0 || len(name)-m-len(marker) != random {
		return query, args
	}
	token := name[m:] // __pb_create__XXXXXX
	// The CTE's select list: "? AS `col`" items up to the closing ")".
	type column struct {
		name string
		arg  driver.NamedValue
	}
	var cols []column
	i := end + len(as)
	for {
		const item = "? AS `"
		if !strings.HasPrefix(query[i:], item) {
			return query, args
		}
		i += len(item)
		close := strings.IndexByte(query[i:], '`')
		if close < 0 {
			return query, args
		}
		col := query[i : i+close]
		i += close + 1
		n := len(cols)
		if n >= len(args) || args[n].Name != "" || args[n].Ordinal != n+1 {
			return query, args
		}
		cols = append(cols, column{col, args[n]})
		if i >= len(query) {
			return query, args
		}
		if query[i] == ')' {
			break
		}
		if query[i] != ',' {
			return query, args
		}
		i++
	}
	rest := query[i:]
	slices.SortStableFunc(cols, func(a, b column) int { return strings.Compare(a.name, b.name) })
	var b strings.Builder
	b.Grow(len(query))
	b.WriteString(with)
	b.WriteString(name[:m])
	b.WriteString(marker + "000000")
	b.WriteString(as)
	out := make([]driver.NamedValue, len(args))
	for k, c := range cols {
		if k > 0 {
			b.WriteByte(',')
		}
		b.WriteString("? AS `")
		b.WriteString(c.name)
		b.WriteByte('`')
		out[k] = driver.NamedValue{Ordinal: k + 1, Value: c.arg.Value}
	}
	copy(out[len(cols):], args[len(cols):])
	b.WriteString(strings.ReplaceAll(rest, token, marker+"000000"))
	return b.String(), out
}
