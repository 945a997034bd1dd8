package migrations

import (
	"regexp"
	"strings"
)

// Rules that find a resident's home through the resident's own units
// (residents.units, migration 0090) instead of through the links of the
// record's unit. ResidentUnitRule is the rewrite the migration applies to
// every rule; UnlinkedResidentUnitRule undoes it for the down migration.
//
// Why: a rule's SQL is built for all its branches, whoever reads. A branch
// such as livesIn("unit.unit_residents_via_unit") joins each record's unit
// to every resident link of that unit, and the list then folds the
// multiplied rows back with SELECT DISTINCT over the whole record: a desk's
// board re-read of 40 work orders paid for every tenant and owner of the 40
// flats (BENCHMARKS.md § Realtime). @request.auth.units.id ?= unit reads the
// one signed-in row instead, and multiplies nothing.

// residentAt is true for a resident who currently lives in the unit at path
// (a relation to units, or "id" in the units collection itself). It reads
// the resident's own units, kept from the active links like the
// communities and buildings (hooks/registry_places.go). New rules use it
// rather than livesIn.
func residentAt(path string) string {
	return `(` + isResident + ` && ` + unitsMatch(path) + `)`
}

// unitsMatch is the comparison of the signed-in resident's units with the
// unit (or, for the multi-relation "units", the units) at path. The record
// side must not be empty: PocketBase compares a missing value as "", so a
// resident who lives nowhere (no units) would otherwise match every record
// without a unit (the permission matrix's former resident found it).
func unitsMatch(path string) string {
	if path == "units" {
		return `units:length > 0 && units.id ?= @request.auth.units.id`
	}
	return path + ` != "" && @request.auth.units.id ?= ` + path
}

var (
	// livesIn(P + "unit_residents_via_unit"), owner-only variants (which go
	// on with "&& ….relation") excluded: they stay as they are.
	linkOfUnit = regexp.MustCompile(`\(` + regexp.QuoteMeta(isResident) +
		` && ((?:[a-z_]+\.)*)unit_residents_via_unit\.resident \?= @request\.auth\.id && ` +
		`((?:[a-z_]+\.)*)unit_residents_via_unit\.active \?= true\)`)
	// X.unit_residents_via_resident.unit ?= Y && X.….active ?= true: the
	// resident in X (the filer, or the signed-in account) lives in Y.
	linkOfResident = regexp.MustCompile(`([a-z_@.]+)\.unit_residents_via_resident\.unit \?= ([a-z_.]+) && ` +
		`([a-z_@.]+)\.unit_residents_via_resident\.active \?= true`)

	residentAtUnits = regexp.MustCompile(`\(` + regexp.QuoteMeta(isResident) +
		` && (?:units:length > 0 && units\.id \?= @request\.auth\.units\.id|([a-z_.]+) != "" && @request\.auth\.units\.id \?= ([a-z_.]+))\)`)
	unitsOfResident = regexp.MustCompile(`([a-z_@.]+)\.units\.id \?= ([a-z_.]+)`)
)

// ResidentUnitRule rewrites the resident links of a rule into residentAt
// and the resident's units; a rule without them comes back unchanged.
func ResidentUnitRule(rule string) string {
	rule = linkOfUnit.ReplaceAllStringFunc(rule, func(m string) string {
		g := linkOfUnit.FindStringSubmatch(m)
		if g[1] != g[2] { // two different links: not livesIn
			return m
		}
		path := strings.TrimSuffix(g[1], ".")
		if path == "" {
			path = "id"
		}
		return residentAt(path)
	})
	return linkOfResident.ReplaceAllStringFunc(rule, func(m string) string {
		g := linkOfResident.FindStringSubmatch(m)
		if g[1] != g[3] {
			return m
		}
		return g[1] + `.units.id ?= ` + g[2]
	})
}

// UnlinkedResidentUnitRule is ResidentUnitRule undone.
func UnlinkedResidentUnitRule(rule string) string {
	rule = residentAtUnits.ReplaceAllStringFunc(rule, func(m string) string {
		g := residentAtUnits.FindStringSubmatch(m)
		switch {
		case g[1] != g[2]:
			return m
		case g[1] == "": // the units form
			return livesIn("units.unit_residents_via_unit")
		case g[1] == "id":
			return livesIn("unit_residents_via_unit")
		default:
			return livesIn(g[1] + ".unit_residents_via_unit")
		}
	})
	return unitsOfResident.ReplaceAllStringFunc(rule, func(m string) string {
		g := unitsOfResident.FindStringSubmatch(m)
		return g[1] + `.unit_residents_via_resident.unit ?= ` + g[2] + ` && ` + g[1] + `.unit_residents_via_resident.active ?= true`
	})
}
