package migrations

import (
	"encoding/json"
	"fmt"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
)

// Where a resident lives (residents.communities and residents.buildings,
// added by migration 0029): computing it from the active links, for the
// migration, hooks/places.go and tools that write links with raw SQL.

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
