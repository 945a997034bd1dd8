package migrations

import (
	"encoding/json"
	"fmt"

	"github.com/pocketbase/dbx"
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
// hooks/places.go recomputes them from the links in the transaction of every
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
	residents, err := app.FindCollectionByNameOrId("residents")
	if err != nil {
		return err
	}
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
	if err := app.Save(residents); err != nil {
		return fmt.Errorf("residents places: %w", err)
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
	residents, err := app.FindCollectionByNameOrId("residents")
	if err != nil {
		return err
	}
	residents.Fields.RemoveByName("communities")
	residents.Fields.RemoveByName("buildings")
	if err := app.Save(residents); err != nil {
		return fmt.Errorf("residents places: %w", err)
	}
	return nil
}

func setPlaceRules(app core.App, up bool) error {
	for _, p := range placeRules {
		c, err := app.FindCollectionByNameOrId(p.collection)
		if err != nil {
			return err
		}
		read := p.before
		if up {
			read = p.after
		}
		c.ListRule, c.ViewRule = rule(read), rule(read)
		if err := app.Save(c); err != nil {
			return fmt.Errorf("%s rules: %w", p.collection, err)
		}
	}
	return nil
}

// placesOf is the SQL of the JSON list (sorted, distinct) of column
// (community or building) of the units the resident whose id is the SQL
// expression resident currently lives in.
func placesOf(column, resident string) string {
	return `(SELECT json_group_array(p) FROM (SELECT DISTINCT u.[[` + column + `]] AS p
		FROM {{unit_residents}} l JOIN {{units}} u ON u.[[id]] = l.[[unit]]
		WHERE l.[[resident]] = ` + resident + ` AND l.[[active]] = TRUE ORDER BY p))`
}

// ResidentPlaces returns what the resident's communities and buildings
// should hold: those of the units they currently live in.
func ResidentPlaces(app core.App, resident string) (communities, buildings []string, err error) {
	var row struct {
		C string `db:"c"`
		B string `db:"b"`
	}
	err = app.DB().NewQuery(`SELECT ` + placesOf("community", "{:r}") + ` AS c, ` + placesOf("building", "{:r}") + ` AS b`).
		Bind(dbx.Params{"r": resident}).One(&row)
	if err == nil {
		err = json.Unmarshal([]byte(row.C), &communities)
	}
	if err == nil {
		err = json.Unmarshal([]byte(row.B), &buildings)
	}
	if err != nil {
		return nil, nil, fmt.Errorf("resident places: %w", err)
	}
	return communities, buildings, nil
}

// RebuildResidentPlaces recomputes every resident's communities and
// buildings from the active links, in one statement. The migration runs it;
// so should a tool that writes links with raw SQL (hooks do not see those).
func RebuildResidentPlaces(app core.App) error {
	return updatePlaces(app)
}

// SyncResidentPlaces recomputes the communities and buildings of the given
// residents from their active links (hooks/places.go calls it in the
// transaction of each link written). It writes the columns directly: the
// account is not saved, so its updated time and realtime subscribers are
// left alone.
func SyncResidentPlaces(app core.App, residents ...string) error {
	if len(residents) == 0 {
		return nil
	}
	return updatePlaces(app, residents...)
}

// updatePlaces recomputes the places of the residents ids, or of all.
func updatePlaces(app core.App, ids ...string) error {
	q := `UPDATE {{residents}} SET [[communities]] = ` + placesOf("community", "{{residents}}.[[id]]") + `, [[buildings]] = ` + placesOf("building", "{{residents}}.[[id]]")
	params := dbx.Params{}
	if len(ids) > 0 {
		q += ` WHERE [[id]] IN (`
		for i, id := range ids {
			if i > 0 {
				q += `, `
			}
			k := fmt.Sprintf("r%d", i)
			q += `{:` + k + `}`
			params[k] = id
		}
		q += `)`
	}
	if _, err := app.DB().NewQuery(q).Bind(params).Execute(); err != nil {
		return fmt.Errorf("resident places: %w", err)
	}
	return nil
}
