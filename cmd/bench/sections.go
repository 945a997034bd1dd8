package main

import (
	"fmt"
	"slices"
	"sort"
	"strings"
)

// Section is one part of the benchmark. It measures through b (servers,
// dataset, load helpers) and records its figures with b.Table; an error
// (including any failed request, see Result.Err) fails the run.
type Section func(b *Bench) error

type sectionEntry struct {
	name  string
	order int
	run   Section
}

var sections = map[string]sectionEntry{}

// Register adds a section under name; sections run in ascending order
// (creates 10, lists 20, stats 30, billing 40, realtime 50). Call it from an
// init function of the section's own file:
//
//	func init() { Register("billing", 40, runBilling) }
func Register(name string, order int, run Section) {
	if _, dup := sections[name]; dup {
		panic("bench: section registered twice: " + name)
	}
	sections[name] = sectionEntry{name, order, run}
}

// selectSections picks the sections named in only (comma-separated; empty
// means all), in their order.
func selectSections(only string) ([]sectionEntry, error) {
	var out []sectionEntry
	if strings.TrimSpace(only) == "" {
		for _, s := range sections {
			out = append(out, s)
		}
	} else {
		for _, name := range strings.Split(only, ",") {
			name = strings.TrimSpace(name)
			s, ok := sections[name]
			if !ok {
				return nil, fmt.Errorf("unknown section %q (have: %s)", name, strings.Join(sectionNames(), ", "))
			}
			if !slices.ContainsFunc(out, func(e sectionEntry) bool { return e.name == name }) {
				out = append(out, s)
			}
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].order < out[j].order })
	return out, nil
}

func sectionNames() []string {
	var names []string
	for n := range sections {
		names = append(names, n)
	}
	sort.Slice(names, func(i, j int) bool { return sections[names[i]].order < sections[names[j]].order })
	return names
}
