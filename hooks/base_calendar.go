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
// once and rebuilt after work_calendar changes (which only the director
// makes, moving the open deadlines with them: hooks/base_calendar_moves.go).
func Calendar(app core.App) (*workcal.Calendar, error) {
	if c, ok := app.Store().Get(calendarStoreKey).(*workcal.Calendar); ok {
		return c, nil
	}
	c, err := calendarFrom(app)
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

	// The director's changes through the records API move the open
	// deadlines as the calendar routes do (hooks/base_calendar_moves.go).
	app.OnRecordCreateRequest("work_calendar").BindFunc(moveOnRecordsAPI)
	app.OnRecordUpdateRequest("work_calendar").BindFunc(moveOnRecordsAPI)
	app.OnRecordDeleteRequest("work_calendar").BindFunc(moveOnRecordsAPI)

	app.OnServe().BindFunc(func(se *core.ServeEvent) error {
		se.Router.GET("/api/wuye/calendar/warning", calendarWarning).Bind(apis.RequireAuth())
		se.Router.GET("/api/wuye/calendar/{year}", calendarYear).Bind(apis.RequireAuth())
		se.Router.POST("/api/wuye/calendar/{year}/preview", calendarPreview).Bind(apis.RequireAuth())
		se.Router.POST("/api/wuye/calendar/{year}", calendarSave).Bind(apis.RequireAuth())
		// Say it loudly when a year without a schedule is less than 60
		// days away (or here), so that the director enters it before
		// deadlines start falling back to Mon–Fri; the workspace shows the
		// same warning (GET /api/wuye/calendar/warning).
		if c, err := Calendar(se.App); err == nil {
			if year, missing := c.Unscheduled(now(), scheduleLeadDays); missing {
				msg := messages["wuye_calendar_no_schedule"]
				args := map[string]any{"a": year}
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
