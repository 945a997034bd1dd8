package hooks

import (
	"fmt"
	"log"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/pocketbase/pocketbase/apis"
	"github.com/pocketbase/pocketbase/core"

	"wuye/lib/workcal"
)

const calendarStoreKey = "wuye.calendar"

// warnOnce keeps the missing-schedule warning to one line per process.
var warnOnce sync.Once

// Calendar returns the working-day calendar in force: the built-in State
// Council schedules overridden by the work_calendar collection. It is built
// once and rebuilt after work_calendar changes.
func Calendar(app core.App) (*workcal.Calendar, error) {
	if c, ok := app.Store().Get(calendarStoreKey).(*workcal.Calendar); ok {
		return c, nil
	}
	rows, err := app.FindAllRecords("work_calendar")
	if err != nil {
		return nil, fmt.Errorf("load work_calendar: %w", err)
	}
	overrides := make([]workcal.Day, 0, len(rows))
	for _, r := range rows {
		overrides = append(overrides, workcal.Day{
			Date: r.GetString("date"),
			Kind: workcal.Kind(r.GetString("kind")),
			Name: r.GetString("name"),
		})
	}
	c, err := workcal.New(workcal.Builtin(), overrides)
	if err != nil {
		return nil, fmt.Errorf("build calendar: %w", err)
	}
	app.Store().Set(calendarStoreKey, c)
	return c, nil
}

func registerCalendar(app core.App) {
	app.OnRecordValidate("work_calendar").BindFunc(func(e *core.RecordEvent) error {
		if err := checkDate(e.Record, "date"); err != nil {
			return err
		}
		return e.Next()
	})
	forget := func(e *core.RecordEvent) error {
		e.App.Store().Remove(calendarStoreKey)
		return e.Next()
	}
	app.OnRecordAfterCreateSuccess("work_calendar").BindFunc(forget)
	app.OnRecordAfterUpdateSuccess("work_calendar").BindFunc(forget)
	app.OnRecordAfterDeleteSuccess("work_calendar").BindFunc(forget)

	app.OnServe().BindFunc(func(se *core.ServeEvent) error {
		se.Router.GET("/api/wuye/calendar/{year}", calendarYear).Bind(apis.RequireAuth())
		// Say it loudly when next year's schedule is missing, so that a
		// supervisor enters it before deadlines start falling back to Mon–Fri.
		if c, err := Calendar(se.App); err == nil {
			next := now().In(workcal.Shanghai).Year() + 1
			if !c.HasSchedule(next) {
				msg := messages["wuye_calendar_no_schedule"]
				args := map[string]any{"a": next}
				se.App.Logger().Warn(render(msg, "en", args))
				warnOnce.Do(func() { log.Printf("注意 Note: %s / %s", render(msg, "zh", args), render(msg, "en", args)) })
			}
		}
		return se.Next()
	})
}

// calendarYear answers GET /api/wuye/calendar/{year}: the year's exceptions
// to Mon–Fri, and whether the year has a schedule at all.
func calendarYear(e *core.RequestEvent) error {
	year, err := strconv.Atoi(e.Request.PathValue("year"))
	if err != nil || year < 2000 || year > 2100 {
		return badRequest(map[string]error{"year": codedError("wuye_bad_year")})
	}
	c, err := Calendar(e.App)
	if err != nil {
		return err
	}
	type day struct {
		Date    string `json:"date"`
		Working bool   `json:"working"`
		Name    string `json:"name"`
	}
	days := []day{}
	start := time.Date(year, 1, 1, 12, 0, 0, 0, workcal.Shanghai)
	for d := start; d.Year() == year; d = d.AddDate(0, 0, 1) {
		working, name, _ := c.DayInfo(d)
		weekend := d.Weekday() == time.Saturday || d.Weekday() == time.Sunday
		if working == weekend || name != "" {
			days = append(days, day{d.Format(time.DateOnly), working, name})
		}
	}
	out := map[string]any{"year": year, "scheduled": c.HasSchedule(year), "exceptions": days}
	if !c.HasSchedule(year) {
		out["message"] = render(messages["wuye_calendar_no_schedule"], requestLang(e.Request), map[string]any{"a": year})
	}
	return e.JSON(http.StatusOK, out)
}
