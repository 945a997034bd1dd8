package hooks

import (
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/pocketbase/dbx"
	validation "github.com/pocketbase/ozzo-validation/v4"
	"github.com/pocketbase/pocketbase/apis"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/types"

	"wuye/lib/sla"
	"wuye/lib/workcal"
)

// The director keeps the working-day calendar (docs/DESIGN.md § Operations):
// a year's schedule is entered, or a day corrected, as one change; the
// preview lists the open deadlines the change would move, and saving it
// moves them in the same transaction, so that a complaint's reply or a
// renovation review is due on the working day the corrected calendar says
// ([004] 三 3.6 for a complaint's reply, [004] 四 3 5.1.3–5.1.4 for the
// renovation reviews).

// scheduleLeadDays: the office is warned this many days before a year
// without a schedule begins (the State Council publishes it in November).
const scheduleLeadDays = 60

// calendarDay is one day of a proposed change: a holiday or make-up working
// day to enter (or correct) in work_calendar.
type calendarDay struct {
	Date string `json:"date"`
	Kind string `json:"kind"`
	Name string `json:"name"`
	Note string `json:"note"`
}

// calendarChange is a change to one year of work_calendar: days to enter or
// correct, and dates whose entered day is to be removed (the date then
// follows the built-in schedule, or Monday–Friday).
type calendarChange struct {
	Days   []calendarDay `json:"days"`
	Remove []string      `json:"remove"`
}

// deadlineMove is one open deadline a calendar change moves.
type deadlineMove struct {
	Collection string `json:"collection"`
	ID         string `json:"id"`
	Serial     string `json:"serial"`
	Community  string `json:"community"`
	Field      string `json:"field"`
	From       string `json:"from"`
	To         string `json:"to"`

	record *core.Record
	to     time.Time
}

// calendarFrom builds the calendar from app's work_calendar, without the
// cache: inside a transaction it sees the transaction's own changes.
func calendarFrom(app core.App, extra ...workcal.Day) (*workcal.Calendar, error) {
	rows, err := app.FindAllRecords("work_calendar")
	if err != nil {
		return nil, err
	}
	return workcal.New(workcal.Builtin(), entriesOf(rows), extra)
}

func entriesOf(rows []*core.Record) []workcal.Day {
	days := make([]workcal.Day, 0, len(rows))
	for _, r := range rows {
		days = append(days, workcal.Day{Date: r.GetString("date"), Kind: workcal.Kind(r.GetString("kind")), Name: r.GetString("name")})
	}
	return days
}

// calendarDirector lets the director (and superusers) through: the ones who
// write work_calendar (migrations/0047_calendar_director.go).
func calendarDirector(e *core.RequestEvent) error {
	if e.HasSuperuserAuth() || hasRole(e.Auth, RoleDirector) {
		return nil
	}
	return apis.NewForbiddenError("", nil)
}

// readCalendarChange reads and checks a change to year: every date a real
// date of that year, named once; every kind holiday or workday.
func readCalendarChange(e *core.RequestEvent) (int, calendarChange, error) {
	var ch calendarChange
	year, err := strconv.Atoi(e.Request.PathValue("year"))
	if err != nil || year < 2000 || year > 2100 {
		return 0, ch, badRequest(validation.Errors{"year": codedError("wuye_bad_year")})
	}
	if err := e.BindBody(&ch); err != nil {
		return 0, ch, apis.NewBadRequestError("Failed to read the submitted data.", nil)
	}
	if len(ch.Days)+len(ch.Remove) == 0 {
		return 0, ch, badRequest(validation.Errors{"days": codedError("validation_required")})
	}
	if len(ch.Days)+len(ch.Remove) > 400 {
		return 0, ch, badRequest(validation.Errors{"days": codedError("validation_too_many_values")})
	}
	seen := map[string]bool{}
	checkDate := func(d string) error {
		switch {
		case !isCivilDate(d):
			return badRequest(validation.Errors{"date": codedError("wuye_date_invalid")})
		case !strings.HasPrefix(d, strconv.Itoa(year)+"-"):
			return badRequest(validation.Errors{"date": codedError("wuye_calendar_other_year", d, year)})
		case seen[d]:
			return badRequest(validation.Errors{"date": codedError("wuye_calendar_twice", d)})
		}
		seen[d] = true
		return nil
	}
	for i, d := range ch.Days {
		d.Date, d.Name, d.Note = strings.TrimSpace(d.Date), strings.TrimSpace(d.Name), strings.TrimSpace(d.Note)
		if err := checkDate(d.Date); err != nil {
			return 0, ch, err
		}
		if d.Kind != string(workcal.Holiday) && d.Kind != string(workcal.Workday) {
			return 0, ch, badRequest(validation.Errors{"kind": codedError("validation_in_invalid")})
		}
		if utf8.RuneCountInString(d.Name) > 50 {
			return 0, ch, badRequest(validation.Errors{"name": codedError("validation_max_text_constraint")})
		}
		if utf8.RuneCountInString(d.Note) > 500 {
			return 0, ch, badRequest(validation.Errors{"note": codedError("validation_max_text_constraint")})
		}
		ch.Days[i] = d
	}
	for i, d := range ch.Remove {
		d = strings.TrimSpace(d)
		if err := checkDate(d); err != nil {
			return 0, ch, err
		}
		ch.Remove[i] = d
	}
	return year, ch, nil
}

// proposedCalendar is the calendar as it would be with ch applied to app's
// work_calendar.
func proposedCalendar(app core.App, ch calendarChange) (*workcal.Calendar, error) {
	rows, err := app.FindAllRecords("work_calendar")
	if err != nil {
		return nil, err
	}
	rows = slices.DeleteFunc(rows, func(r *core.Record) bool {
		d := r.GetString("date")
		return slices.Contains(ch.Remove, d) || slices.ContainsFunc(ch.Days, func(x calendarDay) bool { return x.Date == d })
	})
	days := entriesOf(rows)
	for _, d := range ch.Days {
		days = append(days, workcal.Day{Date: d.Date, Kind: workcal.Kind(d.Kind), Name: d.Name})
	}
	return workcal.New(workcal.Builtin(), days)
}

// deadlineRule is how one working-day deadline is computed: from which
// instant, by how much, and while the record is in which statuses.
type deadlineRule struct {
	collection, field, overdue string
	statuses                   []string
	// add is the deadline counted from from under calendar c; ok is false
	// when the record has no such deadline.
	add  func(c *workcal.Calendar, app core.App, r *core.Record, from time.Time) (due time.Time, ok bool)
	back func(c *workcal.Calendar, due time.Time) time.Time // a start that gives due, or nil
	from func(app core.App, r *core.Record) time.Time       // the start: intake, submission …
}

// workingDays is a deadline of n working days.
func workingDays(n int) func(*workcal.Calendar, core.App, *core.Record, time.Time) (time.Time, bool) {
	return func(c *workcal.Calendar, _ core.App, _ *core.Record, t time.Time) (time.Time, bool) {
		return c.AddWorkingDays(t, n), true
	}
}

// complaintPolicy is a complaint's deadline of target under the service
// level in force when it was received (base_sla.go): a policy in clock
// hours does not move with the calendar, one in working days does.
func complaintPolicy(target string) func(*workcal.Calendar, core.App, *core.Record, time.Time) (time.Time, bool) {
	return func(c *workcal.Calendar, app core.App, r *core.Record, t time.Time) (time.Time, bool) {
		p, _, ok, err := policyAt(app, r.GetString("community"), "complaint", r.GetString("level"), target, r.GetDateTime("received_at").Time())
		if err != nil || !ok {
			return time.Time{}, false
		}
		return sla.Due(c, t, p), true
	}
}

var deadlineRules = []deadlineRule{
	{"complaints", "first_response_due", "first_response_overdue", []string{"received"},
		complaintPolicy("first_response"), nil, receivedAt},
	{"complaints", "reply_due", "reply_overdue", []string{"received", "assigned", "processing"},
		complaintPolicy("reply"), nil, receivedAt},
	{"complaints", "solution_due", "solution_overdue", []string{"received", "assigned", "processing"},
		complaintPolicy("solution"), nil, receivedAt},
	{"renovations", "engineering_due", "review_overdue", []string{"submitted"},
		workingDays(engineeringWorkingDays),
		func(c *workcal.Calendar, t time.Time) time.Time { return c.AddWorkingDays(t, -engineeringWorkingDays) }, enteredStatus},
	{"renovations", "approval_due", "review_overdue", []string{"engineering_passed"},
		workingDays(approvalWorkingDays),
		func(c *workcal.Calendar, t time.Time) time.Time { return c.AddWorkingDays(t, -approvalWorkingDays) }, enteredStatus},
}

func receivedAt(_ core.App, r *core.Record) time.Time { return r.GetDateTime("received_at").Time() }

// enteredStatus is when r entered its current status: its latest status
// event (the application itself for a new one).
func enteredStatus(app core.App, r *core.Record) time.Time {
	evs, err := app.FindRecordsByFilter("events", "subject_collection = {:c} && subject_id = {:id} && to = {:to} && (action = 'status' || action = 'create')",
		"-created", 1, 0, dbx.Params{"c": r.Collection().Name, "id": r.Id, "to": r.GetString("status")})
	if err != nil || len(evs) == 0 {
		return time.Time{}
	}
	return evs[0].GetDateTime("created").Time()
}

// deadlineMoves lists the open deadlines, due on or after since, that move
// from calendar old to calendar next. A deadline is open while its record is
// in the stage it times and not flagged overdue (an escalation that has
// happened is not undone). The start a deadline is counted from is the
// record's (intake, or entering the review stage); when that does not give
// the stored deadline under old (a start stamped a moment apart, or stored
// before a correction), the start is worked back from the deadline itself,
// and a deadline that neither explains is left alone. A move keeps the
// deadline's exact time of day.
func deadlineMoves(app core.App, old, next *workcal.Calendar, since time.Time) ([]deadlineMove, error) {
	stamp := since.UTC().Format(types.DefaultDateLayout)
	var moves []deadlineMove
	for _, rule := range deadlineRules {
		recs, err := app.FindAllRecords(rule.collection, dbx.NewExp(
			"status IN ('"+strings.Join(rule.statuses, "','")+"') AND "+rule.overdue+" = FALSE AND "+
				rule.field+" != '' AND "+rule.field+" >= {:since}", dbx.Params{"since": stamp}))
		if err != nil {
			return nil, err
		}
		for _, r := range recs {
			due := r.GetDateTime(rule.field).Time()
			from := rule.from(app, r)
			explains := func(from time.Time) bool {
				d, ok := rule.add(old, app, r, from)
				return ok && sameInstant(d, due)
			}
			if from.IsZero() || !explains(from) {
				if rule.back == nil {
					continue
				}
				if from = rule.back(old, due); !explains(from) {
					continue
				}
			}
			was, _ := rule.add(old, app, r, from)
			will, _ := rule.add(next, app, r, from)
			shift := will.Sub(was)
			if shift == 0 {
				continue
			}
			to := due.Add(shift)
			moves = append(moves, deadlineMove{
				Collection: rule.collection, ID: r.Id, Serial: r.GetString("serial"), Community: r.GetString("community"),
				Field: rule.field, From: r.GetString(rule.field), To: dateTimeString(to), record: r, to: to,
			})
		}
	}
	slices.SortStableFunc(moves, func(a, b deadlineMove) int { return strings.Compare(a.From, b.From) })
	return moves, nil
}

// sameInstant: a stored datetime keeps milliseconds.
func sameInstant(a, b time.Time) bool {
	d := a.Sub(b)
	return d > -time.Second && d < time.Second
}

func dateTimeString(t time.Time) string {
	d, _ := types.ParseDateTime(t)
	return d.String()
}

// applyMoves saves the moved deadlines in tx, each with an event naming the
// old and the new deadline.
func applyMoves(tx core.App, moves []deadlineMove, actor *core.Record) error {
	for _, m := range moves {
		r, err := tx.FindRecordById(m.Collection, m.ID)
		if err != nil {
			return err
		}
		r.Set(m.Field, m.to)
		if err := tx.Save(r); err != nil {
			return err
		}
		if err := RecordEvent(tx, Event{Subject: r, Action: "deadline_moved", From: m.From, To: m.To, Actor: actor, Note: m.Field}); err != nil {
			return err
		}
	}
	return nil
}

// visibleMoves keeps the moves whose records the caller may read.
func visibleMoves(e *core.RequestEvent, moves []deadlineMove) []deadlineMove {
	info, err := e.RequestInfo()
	out := []deadlineMove{}
	if err != nil {
		return out
	}
	for _, m := range moves {
		if ok, err := e.App.CanAccessRecord(m.record, info, m.record.Collection().ViewRule); ok && err == nil {
			out = append(out, m)
		}
	}
	return out
}

// yearStart is 1 January of year, 00:00 in Asia/Shanghai.
func yearStart(year int) time.Time { return time.Date(year, 1, 1, 0, 0, 0, 0, workcal.Shanghai) }

// calendarPreview answers POST /api/wuye/calendar/{year}/preview: the open
// deadlines the proposed change would move, old → new. Nothing is saved.
func calendarPreview(e *core.RequestEvent) error {
	if err := calendarDirector(e); err != nil {
		return err
	}
	year, ch, err := readCalendarChange(e)
	if err != nil {
		return err
	}
	old, err := calendarFrom(e.App)
	if err != nil {
		return err
	}
	proposed, err := proposedCalendar(e.App, ch)
	if err != nil {
		return err
	}
	moves, err := deadlineMoves(e.App, old, proposed, yearStart(year))
	if err != nil {
		return err
	}
	shown := visibleMoves(e, moves)
	return e.JSON(http.StatusOK, map[string]any{"year": year, "scheduled": proposed.HasSchedule(year),
		"moves": shown, "moved": len(moves), "others": len(moves) - len(shown)})
}

// calendarSave answers POST /api/wuye/calendar/{year}: the change of the
// preview, saved in one transaction with the deadlines it moves.
func calendarSave(e *core.RequestEvent) error {
	if err := calendarDirector(e); err != nil {
		return err
	}
	year, ch, err := readCalendarChange(e)
	if err != nil {
		return err
	}
	var moves []deadlineMove
	err = e.App.RunInTransaction(func(tx core.App) error {
		old, err := calendarFrom(tx)
		if err != nil {
			return err
		}
		for _, d := range ch.Remove {
			r, err := tx.FindFirstRecordByData("work_calendar", "date", d)
			if err != nil {
				return badRequest(validation.Errors{"date": codedError("wuye_calendar_nothing_entered", d)})
			}
			if err := tx.Delete(r); err != nil {
				return err
			}
		}
		col, err := tx.FindCollectionByNameOrId("work_calendar")
		if err != nil {
			return err
		}
		for _, d := range ch.Days {
			r, err := tx.FindFirstRecordByData("work_calendar", "date", d.Date)
			if err != nil {
				r = core.NewRecord(col)
				r.Set("date", d.Date)
			}
			r.Set("kind", d.Kind)
			r.Set("name", d.Name)
			r.Set("note", d.Note)
			if err := tx.Save(r); err != nil {
				return err
			}
		}
		next, err := calendarFrom(tx)
		if err != nil {
			return err
		}
		if moves, err = deadlineMoves(tx, old, next, yearStart(year)); err != nil {
			return err
		}
		return applyMoves(tx, moves, e.Auth)
	})
	if err != nil {
		return err
	}
	e.App.Store().Remove(calendarStoreKey)
	shown := visibleMoves(e, moves)
	c, err := Calendar(e.App)
	if err != nil {
		return err
	}
	return e.JSON(http.StatusOK, map[string]any{"year": year, "scheduled": c.HasSchedule(year),
		"moves": shown, "moved": len(moves), "others": len(moves) - len(shown)})
}

// calendarWarning answers GET /api/wuye/calendar/warning: the year whose
// schedule is missing, from 60 days before it begins (workcal.Unscheduled),
// for the workspace's banner.
func calendarWarning(e *core.RequestEvent) error {
	if !isStaff(e.Auth) && !e.HasSuperuserAuth() {
		return apis.NewForbiddenError("", nil)
	}
	c, err := Calendar(e.App)
	if err != nil {
		return err
	}
	year, ok := c.Unscheduled(now(), scheduleLeadDays)
	out := map[string]any{"warn": ok}
	if ok {
		out["year"] = year
		out["message"] = render(messages["wuye_calendar_no_schedule"], requestLang(e.Request), map[string]any{"a": year})
	}
	return e.JSON(http.StatusOK, out)
}

// moveOnRecordsAPI moves the open deadlines when the director changes
// work_calendar through the records API too, in the change's transaction.
func moveOnRecordsAPI(e *core.RecordRequestEvent) error {
	var old *workcal.Calendar
	since := yearStart(2100)
	dates := []string{e.Record.GetString("date")}
	if o := e.Record.Original(); o != nil {
		dates = append(dates, o.GetString("date"))
	}
	for _, d := range dates {
		if t := civil(d); !t.IsZero() && t.Year() < since.Year() {
			since = yearStart(t.Year())
		}
	}
	return inTxAround(e, func(tx core.App) error {
		// A calendar that cannot be built (a malformed row that bypassed
		// validation) has no deadlines to compare: the change itself goes
		// ahead, so that such a row can be corrected or removed.
		old, _ = calendarFrom(tx)
		return nil
	}, func(tx core.App) error {
		next, err := calendarFrom(tx)
		if old == nil || err != nil {
			return nil
		}
		moves, err := deadlineMoves(tx, old, next, since)
		if err != nil {
			return err
		}
		return applyMoves(tx, moves, e.Auth)
	})
}
