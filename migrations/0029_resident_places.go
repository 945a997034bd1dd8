package migrations

import (
	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
)

func init() {
	m.Register(residentPlacesUp, residentPlacesDown, "0029_resident_places.go")
}

// Where a resident lives, kept on the resident. The read rules of the
// community-wide records (the community itself, its buildings, price list,
// fee items and notices) used to find the reader through
// community.units_via_community.unit_residents_via_unit: PocketBase joins
// every unit and every link of the community for each record, and since a
// rule's SQL is built for all its branches with bound parameters, staff paid
// it too (listing 17 service items of a 10,000-home estate took ~200 ms).
//
// residents.communities and residents.buildings hold the communities and
// buildings of the units a resident currently (active link) lives in. Only
// Wuye writes them: they are hidden (PocketBase drops hidden fields from a
// non-superuser's body, and neither shows nor filters on them), and
// hooks/registry_places.go recomputes them from the links in the transaction of every
// link created, changed or deleted, and on every save of a resident. The
// rules read them from the signed-in account, which PocketBase re-reads
// from the database for each request: a link ended now stops granting at
// once, as before.

// placeRules are the read rules (list and view) that change, before → after.
var placeRules = []struct {
	collection    string
	before, after string
}{
	{"communities",
		or(staffOf("id"), livesIn("units_via_community.unit_residents_via_unit")),
		or(staffOf("id"), residentOf("id"))},
	{"buildings",
		or(staffOf("community"), livesIn("units_via_building.unit_residents_via_unit")),
		or(staffOf("community"), residentIn("id"))},
	{"service_items", serviceItemsRead,
		or(staffOf("community"), and(`active = true`, residentOf("community")))},
	{"fee_items",
		or(staffOf("community"), livesIn("community.units_via_community.unit_residents_via_unit")),
		or(staffOf("community"), residentOf("community"))},
	{"notices",
		or(staffOf("community"), livesIn("community.units_via_community.unit_residents_via_unit")),
		or(staffOf("community"), residentOf("community"))},
}

func residentPlacesUp(app core.App) error {
	err := changeCollection(app, "residents", "residents places", func(residents *core.Collection) error {
		communities, err := app.FindCollectionByNameOrId("communities")
		if err != nil {
			return err
		}
		buildings, err := app.FindCollectionByNameOrId("buildings")
		if err != nil {
			return err
		}
		for _, f := range []*core.RelationField{relMany("communities", communities, false), relMany("buildings", buildings, false)} {
			f.Hidden = true
			residents.Fields.Add(f)
		}
		return nil
	})
	if err != nil {
		return err
	}
	if err := RebuildResidentPlaces(app); err != nil {
		return err
	}
	return setPlaceRules(app, true)
}

func residentPlacesDown(app core.App) error {
	if err := setPlaceRules(app, false); err != nil {
		return err
	}
	return changeCollection(app, "residents", "residents places", func(residents *core.Collection) error {
		residents.Fields.RemoveByName("communities")
		residents.Fields.RemoveByName("buildings")
		return nil
	})
}

func setPlaceRules(app core.App, up bool) error {
	for _, p := range placeRules {
		read := p.before
		if up {
			read = p.after
		}
		err := changeCollection(app, p.collection, p.collection+" rules", func(c *core.Collection) error {
			c.ListRule, c.ViewRule = rule(read), rule(read)
			return nil
		})
		if err != nil {
			return err
		}
	}
	return nil
}
