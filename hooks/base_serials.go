package hooks

import (
	"fmt"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"wuye/lib/serial"
)

// serialPrefixes says which collections carry a document serial and with
// which prefix. A domain's collection gets its serial by being listed here.
var serialPrefixes = map[string]string{
	"complaints":        serial.Complaint,
	"work_orders":       serial.WorkOrder,
	"renovations":       serial.Renovation,
	"bills":             serial.Bill,
	"payments":          serial.Receipt,
	"renovation_passes": "CRZ", // 出入证
	"hot_work_permits":  "DHZ", // 动火证
	"deposit_refunds":   "TYJ", // 退押金
	"deposit_movements": "YJ",  // 押金收据、扣除与退还单
	"incidents":         "SJ",  // 特别事件报告单
	"lost_items":        "SW",  // 拾遗物品
	"goods_passes":      "FX",  // 出门条 (放行)
	"move_ins":          "RH",  // 入伙
	"move_outs":         "QC",  // 迁出
}

func registerSerials(app core.App) {
	for collection, prefix := range serialPrefixes {
		BindSerial(app, collection, prefix)
	}
}

// BindSerial gives every new record of collection a serial with prefix,
// allocated in the transaction that inserts the record: if the insert fails
// the counter rolls back with it, so the day's numbers have no gaps. The
// field is read-only: a submitted value is replaced, and an update that
// changes it is refused.
func BindSerial(app core.App, collection, prefix string) {
	app.OnRecordCreate(collection).BindFunc(func(e *core.RecordEvent) error {
		orig := e.App
		defer func() { e.App = orig }()
		return orig.RunInTransaction(func(tx core.App) error {
			e.App = tx
			s, err := NextSerial(tx, prefix, now())
			if err != nil {
				return err
			}
			e.Record.Set("serial", s)
			return e.Next()
		})
	})
	app.OnRecordUpdate(collection).BindFunc(func(e *core.RecordEvent) error {
		if e.Record.GetString("serial") != e.Record.Original().GetString("serial") {
			return badRequest(map[string]error{"serial": codedError("wuye_immutable")})
		}
		return e.Next()
	})
}

// NextSerial takes the next number of prefix for the Shanghai day of at.
// Call it inside the transaction that stores the document.
func NextSerial(tx core.App, prefix string, at time.Time) (string, error) {
	day := serial.Day(at)
	n, err := ReserveSerials(tx, prefix, day, 1)
	if err != nil {
		return "", err
	}
	return serial.Format(prefix, day, n)
}

// ReserveSerials takes n consecutive numbers of prefix for day (as
// serial.Day gives it) with one counter update and returns the first; the
// caller numbers its documents first, first+1, … first+n-1. Call it inside
// the transaction that stores the documents and store all n of them there:
// if the transaction fails the counter rolls back with it, so the day's
// numbers stay gap-free and unique. NextSerial is ReserveSerials of one.
func ReserveSerials(tx core.App, prefix, day string, n int) (int, error) {
	if n < 1 {
		return 0, fmt.Errorf("reserve %d %s serials: need at least one", n, prefix)
	}
	var last int
	err := tx.DB().NewQuery(`
		INSERT INTO {{_wuye_serials}} ([[prefix]], [[day]], [[last]]) VALUES ({:prefix}, {:day}, {:n})
		ON CONFLICT ([[prefix]], [[day]]) DO UPDATE SET [[last]] = [[last]] + {:n}
		RETURNING [[last]]`).
		Bind(dbx.Params{"prefix": prefix, "day": day, "n": n}).
		Row(&last)
	if err != nil {
		return 0, fmt.Errorf("reserve %d %s serials for %s: %w", n, prefix, day, err)
	}
	return last - n + 1, nil
}
