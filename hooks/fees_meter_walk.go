package hooks

import (
	"database/sql"
	"net/http"
	"slices"
	"time"

	"github.com/pocketbase/dbx"
	validation "github.com/pocketbase/ozzo-validation/v4"
	"github.com/pocketbase/pocketbase/apis"
	"github.com/pocketbase/pocketbase/core"

	"wuye/migrations"
)

// The meter walk (docs/DESIGN.md, "Fees", Meter readings): the area manager
// walks a building with a phone and types each unit's reading. The page
// reads the building's units in walking order (floor, then number) with
// each meter's latest reading, the baseline the next reading is checked
// against (the latest reading, or a replacement's new start after it) and
// the month's consumption so far — one SQL query — and posts each reading
// to the ordinary records API (meter_readings, which refuses one that goes
// backwards). The area manager walks the buildings of their own area; the
// cashier, supervisor and director any of their community's.

// meterWalkers may open the walk.
var meterWalkers = []string{RoleAreaManager, RoleCashier, RoleSupervisor, RoleDirector}

func registerMeterWalk(app core.App) {
	app.OnServe().BindFunc(func(se *core.ServeEvent) error {
		se.Router.GET("/api/wuye/meters/walk", meterWalk).Bind(apis.RequireAuth())
		return se.Next()
	})
}

// WalkUnit is one unit on the walk.
type WalkUnit struct {
	ID          string   `json:"id"`
	Number      string   `json:"number"`
	Floor       int      `json:"floor"`
	LastReading *float64 `json:"last_reading"`
	LastReadOn  string   `json:"last_read_on"`
	Baseline    *float64 `json:"baseline"` // what the next reading may not go below
	ReplacedOn  string   `json:"replaced_on"`
	ReadInMonth bool     `json:"read_in_month"`
	Used        *float64 `json:"used"` // the month's consumption so far
	PrevUsed    *float64 `json:"prev_used"`
}

// meterWalkSQL: the units of {:b} in walking order with the meter {:m}'s
// latest reading up to {:day}, the latest before the month {:ms}, the one
// before the previous month {:ps}, the latest replacement, and the month's
// and the previous month's use with the replacements between.
var meterWalkSQL = `WITH eff AS (
		SELECT r.unit, r.reading, r.read_on FROM meter_readings r JOIN units u ON u.id = r.unit
		WHERE u.building = {:b} AND r.meter = {:m} AND r.read_on <= {:day} AND r.` + effectiveReadingsSQL + `
	),
	last AS (SELECT unit, reading, MAX(read_on) AS read_on FROM eff GROUP BY unit),
	prev AS (SELECT unit, reading, MAX(read_on) AS read_on FROM eff WHERE read_on < {:ms} GROUP BY unit),
	prev2 AS (SELECT unit, reading, MAX(read_on) AS read_on FROM eff WHERE read_on < {:ps} GROUP BY unit),
	rep AS (SELECT unit, new_start_reading, MAX(replaced_on) AS replaced_on FROM meter_replacements
		WHERE meter = {:m} AND replaced_on <= {:day} AND unit IN (SELECT id FROM units WHERE building = {:b}) GROUP BY unit)
	SELECT u.id, u.number, u.floor, last.reading AS last_reading, COALESCE(last.read_on, '') AS last_read_on,
		rep.new_start_reading AS new_start, COALESCE(rep.replaced_on, '') AS replaced_on,
		CASE WHEN prev.read_on IS NOT NULL AND last.read_on >= {:ms}
			THEN last.reading - prev.reading + ` + replacementsBetweenSQL("u.id", "{:m}", "prev.read_on", "last.read_on") + ` END AS used,
		CASE WHEN prev2.read_on IS NOT NULL AND prev.read_on >= {:ps}
			THEN prev.reading - prev2.reading + ` + replacementsBetweenSQL("u.id", "{:m}", "prev2.read_on", "prev.read_on") + ` END AS prev_used
	FROM units u LEFT JOIN last ON last.unit = u.id LEFT JOIN prev ON prev.unit = u.id
		LEFT JOIN prev2 ON prev2.unit = u.id LEFT JOIN rep ON rep.unit = u.id
	WHERE u.building = {:b}
	ORDER BY u.floor, u.number`

// meterWalk answers GET /api/wuye/meters/walk?building=…&meter=water[&day=]:
// the building's units for the walk, as of day (today by default).
func meterWalk(e *core.RequestEvent) error {
	q := e.Request.URL.Query()
	meter, day := q.Get("meter"), q.Get("day")
	if meter == "" {
		meter = "water"
	}
	if !slices.Contains(migrations.Meters, meter) {
		return badRequest(validation.Errors{"meter": codedError("validation_invalid_value")})
	}
	if day == "" {
		day = today()
	} else if !isCivilDate(day) {
		return badRequest(validation.Errors{"day": codedError("wuye_date_invalid")})
	}
	building, err := e.App.FindRecordById("buildings", q.Get("building"))
	if err != nil || (!e.HasSuperuserAuth() && !servesCommunity(e.Auth, building.GetString("community"))) {
		return apis.NewNotFoundError("", nil)
	}
	if !e.HasSuperuserAuth() {
		if !hasRole(e.Auth, meterWalkers...) {
			return apis.NewForbiddenError("", nil)
		}
		if hasRole(e.Auth, RoleAreaManager) && !managesBuilding(e.App, e.Auth, building) {
			return apis.NewForbiddenError("", nil)
		}
	}
	first := civil(day[:8] + "01")
	var rows []struct {
		ID          string          `db:"id"`
		Number      string          `db:"number"`
		Floor       int             `db:"floor"`
		LastReading sql.NullFloat64 `db:"last_reading"`
		LastReadOn  string          `db:"last_read_on"`
		NewStart    sql.NullFloat64 `db:"new_start"`
		ReplacedOn  string          `db:"replaced_on"`
		Used        sql.NullFloat64 `db:"used"`
		PrevUsed    sql.NullFloat64 `db:"prev_used"`
	}
	if err := e.App.DB().NewQuery(meterWalkSQL).Bind(dbx.Params{"b": building.Id, "m": meter, "day": day,
		"ms": first.Format(time.DateOnly), "ps": first.AddDate(0, -1, 0).Format(time.DateOnly)}).All(&rows); err != nil {
		return err
	}
	ptr := func(v sql.NullFloat64) *float64 {
		if !v.Valid {
			return nil
		}
		f := v.Float64
		return &f
	}
	units := make([]WalkUnit, 0, len(rows))
	for _, r := range rows {
		u := WalkUnit{ID: r.ID, Number: r.Number, Floor: r.Floor, LastReading: ptr(r.LastReading), LastReadOn: r.LastReadOn,
			Baseline: ptr(r.LastReading), ReplacedOn: r.ReplacedOn, Used: ptr(r.Used), PrevUsed: ptr(r.PrevUsed),
			ReadInMonth: r.LastReadOn >= first.Format(time.DateOnly)}
		if r.ReplacedOn != "" && r.ReplacedOn > r.LastReadOn {
			u.Baseline = ptr(r.NewStart)
		}
		units = append(units, u)
	}
	return e.JSON(http.StatusOK, map[string]any{
		"building": map[string]any{"id": building.Id, "code": building.GetString("code"), "name": building.GetString("name")},
		"meter":    meter, "day": day, "month": day[:7], "units": units,
	})
}

// managesBuilding: auth is the manager of the building's area.
func managesBuilding(app core.App, auth, building *core.Record) bool {
	area, err := app.FindRecordById("areas", building.GetString("area"))
	return err == nil && area.GetString("manager") == auth.Id
}
