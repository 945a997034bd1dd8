package migrations

import (
	"encoding/json"
	"fmt"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
)

// Where a resident lives (residents.communities and residents.buildings,
// added by migration 0029; residents.units, added by 0090): computing it
// from the active links, for the migrations, hooks/registry_places.go and
// tools that write links with raw SQL.

// placesOf is the SQL of the JSON list (sorted, distinct) of column
// (community, building, or id for the units themselves) of the units the
// resident whose id is the SQL expression resident currently lives in.
func placesOf(column, resident string) string {
	return `(SELECT json_group_array(p) FROM (SELECT DISTINCT u.[[` + column + `]] AS p
		FROM {{unit_residents}} l JOIN {{units}} u ON u.[[id]] = l.[[unit]]
		WHERE l.[[resident]] = ` + resident + ` AND l.[[active]] = TRUE ORDER BY p))`
}

// Places is where a resident currently lives: the units of their active
// links, and those units' communities and buildings.
type Places struct {
	Communities, Buildings, Units []string
}

// ResidentPlaces returns what the resident's communities, buildings and
// units should hold: those of the units they currently live in.
func ResidentPlaces(app core.App, resident string) (Places, error) {
	var row struct {
		C string `db:"c"`
		B string `db:"b"`
		U string `db:"u"`
	}
	var p Places
	err := app.DB().NewQuery(`SELECT ` + placesOf("community", "{:r}") + ` AS c, ` + placesOf("building", "{:r}") +
		` AS b, ` + placesOf("id", "{:r}") + ` AS u`).Bind(dbx.Params{"r": resident}).One(&row)
	for _, f := range []struct {
		json string
		to   *[]string
	}{{row.C, &p.Communities}, {row.B, &p.Buildings}, {row.U, &p.Units}} {
		if err == nil {
			err = json.Unmarshal([]byte(f.json), f.to)
		}
	}
	if err != nil {
		return Places{}, fmt.Errorf("resident places: %w", err)
	}
	return p, nil
}

// RebuildResidentPlaces recomputes every resident's communities and
// buildings from the active links, in one statement. The migration runs it;
// so should a tool that writes links with raw SQL (hooks do not see those).
func RebuildResidentPlaces(app core.App) error {
	return updatePlaces(app)
}

// SyncResidentPlaces recomputes the communities and buildings of the given
// residents from their active links (hooks/registry_places.go calls it in the
// transaction of each link written). It writes the columns directly: the
// account is not saved, so its updated time and realtime subscribers are
// left alone.
func SyncResidentPlaces(app core.App, residents ...string) error {
	if len(residents) == 0 {
		return nil
	}
	return updatePlaces(app, residents...)
}

// updatePlaces recomputes the places of the residents ids, or of all. The
// units column exists from migration 0090 on; migration 0029, which runs
// this before it, sets the other two.
func updatePlaces(app core.App, ids ...string) error {
	q := `UPDATE {{residents}} SET [[communities]] = ` + placesOf("community", "{{residents}}.[[id]]") + `, [[buildings]] = ` + placesOf("building", "{{residents}}.[[id]]")
	residents, err := app.FindCachedCollectionByNameOrId("residents")
	if err != nil {
		return fmt.Errorf("resident places: %w", err)
	}
	if residents.Fields.GetByName("units") != nil {
		q += `, [[units]] = ` + placesOf("id", "{{residents}}.[[id]]")
	}
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
