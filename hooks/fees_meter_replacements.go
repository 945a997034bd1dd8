package hooks

import (
	"database/sql"

	"github.com/pocketbase/dbx"
	validation "github.com/pocketbase/ozzo-validation/v4"
	"github.com/pocketbase/pocketbase/core"
)

// Meter replacements (换表, docs/DESIGN.md, "Fees", Meter readings): a meter
// only counts up, except when it is swapped for a new one. The replacement
// record says the old meter's final reading, the new meter's start reading,
// the day, why and (the server's) who. Readings dated on or after the
// replacement day are the new meter's: the first of them is compared with
// the new start, and consumption across a replacement is
// (old final − reading before) + (reading after − new start), that is the
// difference of the two readings plus old final − new start for every
// replacement between them (replacementsBetweenSQL). A replacement is
// recorded after the meter's latest reading, not inside its history, and
// is never changed or deleted (append-only like the readings).

func init() {
	messages["wuye_reading_below_new_start"] = text{
		"读数 %[1]v 小于新表起始读数 %[2]v（%[3]v 换表）：水电表读数只增不减",
		"Reading %[1]v is below the new meter's start reading of %[2]v (replaced on %[3]v): meters only count up.",
	}
	messages["wuye_reading_above_old_final"] = text{
		"读数 %[1]v 大于旧表最终读数 %[2]v（%[3]v 换表），请核对",
		"Reading %[1]v is above the old meter's final reading of %[2]v (replaced on %[3]v); please check it.",
	}
	messages["wuye_replacement_not_last"] = text{
		"换表日期须晚于该表最近一次读数或换表日期（%[1]v）",
		"The replacement must be dated after the meter's latest reading or replacement (%[1]v).",
	}
	messages["wuye_replacement_future"] = text{"换表日期不能晚于今天", "The replacement cannot be dated in the future."}
	messages["wuye_replacement_final_low"] = text{
		"旧表最终读数 %[1]v 小于该表 %[3]v 的读数 %[2]v",
		"The old meter's final reading %[1]v is below its reading of %[2]v on %[3]v.",
	}
	messages["wuye_replacements_append_only"] = text{
		"换表记录不能修改或删除",
		"Meter replacements cannot be changed or deleted.",
	}
}

// replacementsBetweenSQL is what the replacements of a meter add to the
// difference of two of its readings: old final − new start of each
// replacement dated after the earlier reading and on or before the later.
// unit, meter, from and to are SQL expressions.
func replacementsBetweenSQL(unit, meter, from, to string) string {
	return `COALESCE((SELECT SUM(x.old_final_reading - x.new_start_reading) FROM meter_replacements x
		WHERE x.unit = ` + unit + ` AND x.meter = ` + meter + ` AND x.replaced_on > ` + from + ` AND x.replaced_on <= ` + to + `), 0)`
}

func registerMeterReplacements(app core.App) {
	app.OnRecordCreateRequest("meter_replacements").BindFunc(recordReplacement)
	refuse := func(e *core.RecordEvent) error {
		return badRequest(validation.Errors{"reason": codedError("wuye_replacements_append_only")})
	}
	app.OnRecordUpdate("meter_replacements").BindFunc(refuse)
	app.OnRecordDelete("meter_replacements").BindFunc(refuse)
}

// recordReplacement checks a replacement against the meter's history and
// records it with an event, in one transaction.
func recordReplacement(e *core.RecordRequestEvent) error {
	r := e.Record
	r.Set("recorded_by", actorID(e.Auth))
	community, err := unitCommunity(e.App, r.GetString("unit"), "unit")
	if err != nil {
		return err
	}
	r.Set("community", community)
	return inTxAround(e, func(tx core.App) error {
		return checkReplacement(tx, r)
	}, func(tx core.App) error {
		return RecordEvent(tx, Event{Subject: r, Action: "create", From: fmtReading(r.GetFloat("old_final_reading")),
			To: fmtReading(r.GetFloat("new_start_reading")), Actor: e.Auth, Note: r.GetString("meter") + " " + r.GetString("replaced_on") + " " + r.GetString("reason")})
	})
}

// RecordMeterReplacement saves replacement r as actor would through the API
// (the demo and the tests).
func RecordMeterReplacement(app core.App, r, actor *core.Record) error {
	r.Set("recorded_by", actorID(actor))
	community, err := unitCommunity(app, r.GetString("unit"), "unit")
	if err != nil {
		return err
	}
	r.Set("community", community)
	return app.RunInTransaction(func(tx core.App) error {
		if err := checkReplacement(tx, r); err != nil {
			return err
		}
		if err := tx.Save(r); err != nil {
			return err
		}
		return RecordEvent(tx, Event{Subject: r, Action: "create", From: fmtReading(r.GetFloat("old_final_reading")),
			To: fmtReading(r.GetFloat("new_start_reading")), Actor: actor, Note: r.GetString("meter") + " " + r.GetString("replaced_on") + " " + r.GetString("reason")})
	})
}

func checkReplacement(tx core.App, r *core.Record) error {
	day := r.GetString("replaced_on")
	if day > today() {
		return badRequest(validation.Errors{"replaced_on": codedError("wuye_replacement_future")})
	}
	last, ok := meterBaseline(tx, r.GetString("unit"), r.GetString("meter"), "9999-12-31")
	if !ok {
		return nil
	}
	if day <= last.On {
		return badRequest(validation.Errors{"replaced_on": codedError("wuye_replacement_not_last", last.On)})
	}
	if v := r.GetFloat("old_final_reading"); v < last.Value {
		return badRequest(validation.Errors{"old_final_reading": codedError("wuye_replacement_final_low", fmtReading(v), fmtReading(last.Value), last.On)})
	}
	return nil
}

// baseline is where a meter stood on a day: its latest effective reading
// or, when a replacement came after that reading, the new meter's start.
type baseline struct {
	Value    float64
	On       string
	Replaced bool // Value is a new meter's start reading
}

// meterBaseline is the meter's baseline for a reading dated day: its latest
// effective reading before day, or the latest replacement on or before day
// when that came after the reading.
func meterBaseline(tx core.App, unit, meter, day string) (baseline, bool) {
	var row struct {
		Reading  sql.NullFloat64 `db:"reading"`
		ReadOn   sql.NullString  `db:"read_on"`
		Start    sql.NullFloat64 `db:"start"`
		Replaced sql.NullString  `db:"replaced_on"`
	}
	err := tx.DB().NewQuery(`SELECT
			(SELECT reading FROM meter_readings WHERE unit = {:u} AND meter = {:m} AND read_on < {:d} AND ` + effectiveReadingsSQL + ` ORDER BY read_on DESC LIMIT 1) AS reading,
			(SELECT read_on FROM meter_readings WHERE unit = {:u} AND meter = {:m} AND read_on < {:d} AND ` + effectiveReadingsSQL + ` ORDER BY read_on DESC LIMIT 1) AS read_on,
			(SELECT new_start_reading FROM meter_replacements WHERE unit = {:u} AND meter = {:m} AND replaced_on <= {:d} ORDER BY replaced_on DESC LIMIT 1) AS start,
			(SELECT replaced_on FROM meter_replacements WHERE unit = {:u} AND meter = {:m} AND replaced_on <= {:d} ORDER BY replaced_on DESC LIMIT 1) AS replaced_on`).
		Bind(dbx.Params{"u": unit, "m": meter, "d": day}).One(&row)
	if err != nil {
		return baseline{}, false
	}
	if row.Replaced.Valid && (!row.ReadOn.Valid || row.Replaced.String > row.ReadOn.String) {
		return baseline{Value: row.Start.Float64, On: row.Replaced.String, Replaced: true}, true
	}
	if row.ReadOn.Valid {
		return baseline{Value: row.Reading.Float64, On: row.ReadOn.String}, true
	}
	return baseline{}, false
}

// firstReplacementAfter is the earliest replacement of the meter dated after
// day and on or before until, if any.
func firstReplacementAfter(tx core.App, unit, meter, day, until string) (float64, string, bool) {
	var row struct {
		Final float64 `db:"old_final_reading"`
		On    string  `db:"replaced_on"`
	}
	err := tx.DB().Select("old_final_reading", "replaced_on").From("meter_replacements").
		Where(dbx.HashExp{"unit": unit, "meter": meter}).
		AndWhere(dbx.NewExp("replaced_on > {:d} AND replaced_on <= {:u}", dbx.Params{"d": day, "u": until})).
		OrderBy("replaced_on").Limit(1).One(&row)
	if err != nil {
		return 0, "", false
	}
	return row.Final, row.On, true
}
