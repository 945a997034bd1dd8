package hooks

import (
	"regexp"
	"strings"

	"github.com/ganigeorgiev/fexpr"
	"github.com/pocketbase/pocketbase/tools/search"
)

// Reading a client's query: the field paths a list request's filter, sort
// and expand reach, for the guards that refuse paths a caller may not
// follow (guard_queries.go, and the anonymity guard of
// complaints_anonymity.go).

// listPattern is the route of the records list API.
const listPattern = "GET /api/collections/{collection}/records"

var backRelation = regexp.MustCompile(`^(\w+)_via_(\w+)$`)

// bare drops a path segment's modifier ("unit:each" → "unit").
func bare(seg string) string {
	name, _, _ := strings.Cut(seg, ":")
	return name
}

// filterPaths are the identifiers of a filter, quoted texts excepted. A
// filter that does not parse names nothing: PocketBase refuses it anyway.
func filterPaths(filter string) []string {
	if strings.TrimSpace(filter) == "" {
		return nil
	}
	groups, err := fexpr.Parse(filter)
	if err != nil {
		return nil
	}
	var out []string
	var token func(t fexpr.Token)
	token = func(t fexpr.Token) {
		switch t.Type {
		case fexpr.TokenIdentifier:
			out = append(out, t.Literal)
		case fexpr.TokenFunction:
			args, _ := t.Meta.([]fexpr.Token)
			for _, a := range args {
				token(a)
			}
		}
	}
	var walk func(gs []fexpr.ExprGroup)
	walk = func(gs []fexpr.ExprGroup) {
		for _, g := range gs {
			switch item := g.Item.(type) {
			case fexpr.Expr:
				token(item.Left)
				token(item.Right)
			case fexpr.ExprGroup:
				walk([]fexpr.ExprGroup{item})
			case []fexpr.ExprGroup:
				walk(item)
			}
		}
	}
	walk(groups)
	return out
}

var identifierLike = regexp.MustCompile(`@?[A-Za-z_][\w.:@]*`)

// sortPaths are the identifiers of a sort, read generously: anything that
// looks like a field path counts.
func sortPaths(sort string) []string {
	var out []string
	for _, f := range search.ParseSortFromString(sort) {
		out = append(out, identifierLike.FindAllString(f.Name, -1)...)
	}
	return out
}

func expandPaths(expand string) []string {
	var out []string
	for _, p := range strings.Split(expand, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}
