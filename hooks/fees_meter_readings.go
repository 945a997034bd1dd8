package hooks

import (
	"fmt"
	"strconv"

	"github.com/pocketbase/dbx"
	validation "github.com/pocketbase/ozzo-validation/v4"
	"github.com/pocketbase/pocketbase/core"
)

// Meter readings are append-only (issue #16 item 9: money records are
// corrected by new entries, never edited, and every change is recorded). A reading is
// never edited or deleted (migration 0035 removes the update rule; the
// model hooks below refuse it for code and superusers too). A wrong
// reading is corrected by a new reading that names it in corrects, says
// why in reason and takes its day; billing then reads the correction
// (hooks/fees_billing.go reads the latest reading no other corrects). A meter
// only counts up: a reading below the meter's previous one, or above its
// next one, is refused — if the earlier one was wrong, it is that one that
// gets corrected. A replaced meter starts again from the new meter's start
// reading (hooks/fees_meter_replacements.go). Who read the meter is the
// signed-in staff member, whatever the client sends.

func init() {
	messages["wuye_reading_backwards"] = text{
		"读数 %[1]v 小于该表 %[3]v 的读数 %[2]v：水电表读数只增不减。若之前的读数抄错了，请对那次读数提交更正并写明原因",
		"Reading %[1]v is below this meter's reading of %[2]v on %[3]v: meters only count up. If that earlier reading was wrong, file a correction of it with a reason.",
	}
	messages["wuye_reading_above_next"] = text{
		"读数 %[1]v 大于该表之后 %[3]v 的读数 %[2]v，请核对",
		"Reading %[1]v is above this meter's later reading of %[2]v on %[3]v; please check it.",
	}
	messages["wuye_reading_reason_required"] = text{
		"更正读数须写明原因",
		"A correction needs a reason.",
	}
	messages["wuye_reading_correct_target"] = text{
		"只能更正同一房屋、同一表的现行读数（已被更正过的读数请更正最新的那条）",
		"Only the current reading of the same unit and meter can be corrected (for one already corrected, correct the latest correction).",
	}
	messages["wuye_readings_append_only"] = text{
		"抄表读数不能修改或删除；抄错了请提交一条更正读数并写明原因",
		"Meter readings cannot be changed or deleted; file a correction with a reason instead.",
	}
}

func registerMeterReadings(app core.App) {
	app.OnRecordCreateRequest("meter_readings").BindFunc(takeReading)
	refuse := func(e *core.RecordEvent) error {
		return badRequest(validation.Errors{"reading": codedError("wuye_readings_append_only")})
	}
	app.OnRecordUpdate("meter_readings").BindFunc(refuse)
	app.OnRecordDelete("meter_readings").BindFunc(refuse)
}

// effectiveReadingsSQL selects the readings no other corrects.
const effectiveReadingsSQL = `id NOT IN (SELECT [[corrects]] FROM {{meter_readings}} WHERE [[corrects]] != '')`

// takeReading checks a new reading or correction against the meter's other
// readings and records it with an event, in one transaction.
func takeReading(e *core.RecordRequestEvent) error {
	r := e.Record
	if isStaff(e.Auth) {
		r.Set("read_by", e.Auth.Id)
	} else {
		r.Set("read_by", "")
	}
	return inTxAround(e, func(tx core.App) error { return checkReading(tx, r) },
		func(tx core.App) error { return readingEvent(tx, r, e.Auth) })
}

// TakeReading saves reading r as actor would through the API: the same
// checks and event, in one transaction (the demo loader uses it, and the
// move-in's handover readings inside their own transaction, hooks/movein.go).
func TakeReading(app core.App, r, actor *core.Record) error {
	r.Set("read_by", actorID(actor))
	return app.RunInTransaction(func(tx core.App) error {
		if err := checkReading(tx, r); err != nil {
			return err
		}
		if err := tx.Save(r); err != nil {
			return err
		}
		return readingEvent(tx, r, actor)
	})
}

// checkReading judges reading r against the meter's other readings and
// replacements.
func checkReading(tx core.App, r *core.Record) error {
	if id := r.GetString("corrects"); id != "" {
		c, err := tx.FindRecordById("meter_readings", id)
		if err != nil || c.GetString("unit") != r.GetString("unit") || c.GetString("meter") != r.GetString("meter") {
			return badRequest(validation.Errors{"corrects": codedError("wuye_reading_correct_target")})
		}
		if n, _ := countWhere(tx, "meter_readings", dbx.HashExp{"corrects": c.Id}); n > 0 {
			return badRequest(validation.Errors{"corrects": codedError("wuye_reading_correct_target")})
		}
		if r.GetString("reason") == "" {
			return badRequest(validation.Errors{"reason": codedError("wuye_reading_reason_required")})
		}
		r.Set("read_on", c.GetString("read_on"))
	}
	// The meter's neighbours among the effective readings (the one
	// corrected excepted), with the replacements between: after a
	// replacement the new meter's start is the floor, and before one
	// the old meter's final reading is the ceiling.
	next := func() (float64, string, bool) {
		var row struct {
			Reading float64 `db:"reading"`
			ReadOn  string  `db:"read_on"`
		}
		q := tx.DB().Select("reading", "read_on").From("meter_readings").
			Where(dbx.HashExp{"unit": r.GetString("unit"), "meter": r.GetString("meter")}).
			AndWhere(dbx.NewExp("read_on > {:d}", dbx.Params{"d": r.GetString("read_on")})).
			AndWhere(dbx.NewExp(effectiveReadingsSQL)).OrderBy("read_on ASC").Limit(1)
		if err := q.One(&row); err != nil {
			return 0, "", false
		}
		return row.Reading, row.ReadOn, true
	}
	v := r.GetFloat("reading")
	unit, meter, day := r.GetString("unit"), r.GetString("meter"), r.GetString("read_on")
	if base, ok := meterBaseline(tx, unit, meter, day); ok && v < base.Value {
		if base.Replaced {
			return badRequest(validation.Errors{"reading": codedError("wuye_reading_below_new_start", fmtReading(v), fmtReading(base.Value), base.On)})
		}
		return badRequest(validation.Errors{"reading": codedError("wuye_reading_backwards", fmtReading(v), fmtReading(base.Value), base.On)})
	}
	nextV, nextOn, hasNext := next()
	if !hasNext {
		nextOn = "9999-12-31"
	}
	if final, on, ok := firstReplacementAfter(tx, unit, meter, day, nextOn); ok {
		if v > final {
			return badRequest(validation.Errors{"reading": codedError("wuye_reading_above_old_final", fmtReading(v), fmtReading(final), on)})
		}
	} else if hasNext && v > nextV {
		return badRequest(validation.Errors{"reading": codedError("wuye_reading_above_next", fmtReading(v), fmtReading(nextV), nextOn)})
	}
	return nil
}

// readingEvent records reading r (or correction) taken by actor.
func readingEvent(tx core.App, r, actor *core.Record) error {
	ev := Event{Subject: r, Action: "create", To: fmtReading(r.GetFloat("reading")), Actor: actor, Note: r.GetString("read_on")}
	if id := r.GetString("corrects"); id != "" {
		c, err := tx.FindRecordById("meter_readings", id)
		if err != nil {
			return err
		}
		ev.Action, ev.From, ev.Note = "correction", fmtReading(c.GetFloat("reading")), r.GetString("read_on")+" "+r.GetString("reason")
		// The corrected reading's own timeline says so too.
		if err := RecordEvent(tx, Event{Subject: c, Action: "corrected", From: ev.From, To: ev.To, Actor: actor, Note: r.Id + " " + r.GetString("reason")}); err != nil {
			return err
		}
	}
	return RecordEvent(tx, ev)
}

func fmtReading(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) }

// countWhere counts the rows of collection matching where.
func countWhere(app core.App, collection string, where dbx.Expression) (int, error) {
	var n int
	err := app.DB().Select("COUNT(*)").From(collection).Where(where).Row(&n)
	if err != nil {
		return 0, fmt.Errorf("count %s: %w", collection, err)
	}
	return n, nil
}
