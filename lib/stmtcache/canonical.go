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
// arguments bound by position — is returned unchanged. The rule's own
// placeholders are written +? (plusPlaceholders).
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
	rest = strings.ReplaceAll(rest, token, marker+"000000")
	if plus, ok := plusPlaceholders(rest); ok {
		rest = plus
	}
	b.WriteString(rest)
	return b.String(), out
}

// plusPlaceholders writes each placeholder of the rule's part of the query
// (after the CTE) as +?, outside quoted text and names; ok is false, and
// the text is to be kept, at anything else than a plain ? (?NNN, :name).
//
// Why: with the planner's STAT4 samples, a value bound where an index is
// probed (the signed-in account's `id`=? in the rule's joins) marks the
// statement to be compiled again whenever a value is bound (SQLite's
// sqlite3_bind: a marked parameter, and any parameter numbered 32 or more
// once one of those is marked — the rule's come after a complaint's 42
// columns), so the kept rule query was parsed and planned again on every
// create: 5.4 % of the Wuye server's CPU in the creates benchmark (issue
// #23, BENCHMARKS.md § Creates, session 13). +? has the same value, no
// affinity and no collation as ? has, so every comparison means what it
// meant; the planner reads no sample for it, and the kept statement runs
// as compiled. The CTE's own columns keep plain ?: written +? there, the
// CTE is no longer flattened into the joins and the query runs slower.
func plusPlaceholders(rest string) (string, bool) {
	var b strings.Builder
	b.Grow(len(rest) + 64)
	for i := 0; i < len(rest); i++ {
		c := rest[i]
		switch c {
		case '\'', '"', '`':
			end := strings.IndexByte(rest[i+1:], c)
			if end < 0 {
				return rest, false
			}
			b.WriteString(rest[i : i+end+2]) // a doubled quote inside is two quoted runs: the same text
			i += end + 1
			continue
		case '?':
			if i+1 < len(rest) && rest[i+1] >= '0' && rest[i+1] <= '9' {
				return rest, false
			}
			b.WriteString("+?")
			continue
		case ':', '@', '$':
			return rest, false // named parameters: not what PocketBase sends
		}
		b.WriteByte(c)
	}
	return b.String(), true
}
