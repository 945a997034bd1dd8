package hooks

import (
	"fmt"
	"math/big"
	"strings"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"wuye/lib/fee"
	"wuye/lib/money"
)

// Construction water and electricity (施工用水/用电, [001] 中汇广场 十 (一) 2:
// 每月15日左右，财务部根据设施设备维护部提供的数据资料，制作出付款通知书…并负责催收款项):
// on the 15th, every renovation under way is billed the water and
// electricity its unit used since the last such bill — or, for the first,
// since the reading on or before the works' planned start — up to the
// latest reading on or before the day, at the community's metered price
// for that meter (the active metered fee item of the meter). The use is
// worked out in SQL from the effective meter readings (corrections
// replace what they correct) with the meter replacements between the two
// readings added (replacementsBetweenSQL). Each charge is a bill of the
// renovation (bills.renovation, bills.charge construction_water or
// construction_electric; one per renovation, charge and month), payable by
// the applicant like the renovation's other fees, with an event on the
// renovation. A renovation that is not under works (not yet permitted,
// accepted, closed, rejected) is not billed.

var utilityNames = map[string]text{
	"construction_water":    {"施工用水", "construction water"},
	"construction_electric": {"施工用电", "construction electricity"},
}

// utilityCharge is a renovation's use of one meter, as the SQL works it out.
type utilityCharge struct {
	Renovation string  `db:"renovation"`
	Serial     string  `db:"serial"`
	Community  string  `db:"community"`
	Unit       string  `db:"unit"`
	Applicant  string  `db:"applicant"`
	Meter      string  `db:"meter"`
	Charge     string  `db:"charge"`
	PriceFen   int64   `db:"price_fen"`
	FromOn     string  `db:"from_on"`
	ToOn       string  `db:"to_on"`
	From       float64 `db:"from_reading"`
	To         float64 `db:"to_reading"`
	Replaced   float64 `db:"replaced"`
	Used       float64 `db:"used"`
}

// renovationUtilitiesSQL lists what each renovation under works used of
// each metered utility since its last utility bill (or the works' start)
// up to {:day}, leaving out those billed for {:period} already.
const renovationUtilitiesSQL = `WITH eff AS (
		SELECT unit, meter, reading, read_on FROM meter_readings WHERE ` + effectiveReadingsSQL + ` AND read_on <= {:day}
	),
	kinds(meter, charge) AS (VALUES ('water', 'construction_water'), ('electric', 'construction_electric')),
	win AS (
		SELECT r.id AS renovation, r.serial, r.community, r.unit, r.applicant, k.meter, k.charge,
			COALESCE((SELECT MAX(b.period_end) FROM bills b WHERE b.renovation = r.id AND b.charge = k.charge AND b.status != 'void'),
				r.planned_start) AS since,
			(SELECT f.price_fen FROM fee_items f WHERE f.community = r.community AND f.basis = 'metered' AND f.meter = k.meter
				AND f.active = TRUE ORDER BY f.code LIMIT 1) AS price_fen
		FROM renovations r CROSS JOIN kinds k
		WHERE r.status IN ('permitted', 'completion_requested', 'suspended', 'acceptance_failed') AND r.planned_start <= {:day}
			AND NOT EXISTS (SELECT 1 FROM bills b WHERE b.renovation = r.id AND b.charge = k.charge AND b.period = {:period})
	),
	ab AS (
		SELECT w.*,
			(SELECT MAX(e.read_on) FROM eff e WHERE e.unit = w.unit AND e.meter = w.meter AND e.read_on <= w.since) AS from_on,
			(SELECT MAX(e.read_on) FROM eff e WHERE e.unit = w.unit AND e.meter = w.meter) AS to_on
		FROM win w WHERE w.price_fen IS NOT NULL
	)
	SELECT ab.renovation, ab.serial, ab.community, ab.unit, ab.applicant, ab.meter, ab.charge, ab.price_fen,
		ab.from_on, ab.to_on, fa.reading AS from_reading, fb.reading AS to_reading,
		` + "{{replaced}}" + ` AS replaced,
		fb.reading - fa.reading + ` + "{{replaced}}" + ` AS used
	FROM ab
	JOIN eff fa ON fa.unit = ab.unit AND fa.meter = ab.meter AND fa.read_on = ab.from_on
	JOIN eff fb ON fb.unit = ab.unit AND fb.meter = ab.meter AND fb.read_on = ab.to_on
	WHERE ab.to_on > ab.from_on
	ORDER BY ab.serial, ab.charge`

// RenovationUtilityUse is what BillRenovationUtilities would bill on day:
// the renovations' use of water and electricity, worked out in SQL.
func RenovationUtilityUse(app core.App, day string) ([]utilityCharge, error) {
	q := strings.ReplaceAll(renovationUtilitiesSQL, "{{replaced}}", replacementsBetweenSQL("ab.unit", "ab.meter", "ab.from_on", "ab.to_on"))
	var rows []utilityCharge
	if err := app.DB().NewQuery(q).Bind(dbx.Params{"day": day, "period": day[:7]}).All(&rows); err != nil {
		return nil, fmt.Errorf("renovation utilities: %w", err)
	}
	return rows, nil
}

// BillRenovationUtilities bills the construction water and electricity of
// the renovations under works on day (the job of the 15th; idempotent: a
// renovation's charge is billed once a month).
func BillRenovationUtilities(app core.App, day string) (int, error) {
	var n int
	err := app.RunInTransaction(func(tx core.App) error {
		rows, err := RenovationUtilityUse(tx, day)
		if err != nil {
			return err
		}
		col, err := tx.FindCachedCollectionByNameOrId("bills")
		if err != nil {
			return err
		}
		due := civil(day).AddDate(0, 0, paymentWindowDays-1).Format(time.DateOnly)
		for _, u := range rows {
			if u.Used <= 0 {
				continue
			}
			used := new(big.Rat).SetFloat64(u.Used)
			amount := fee.Round(used.Mul(used, new(big.Rat).SetInt64(u.PriceFen)))
			if amount <= 0 {
				continue
			}
			basis := map[string]any{"renovation": u.Serial, "charge": utilityNames[u.Charge].zh, "meter": u.Meter,
				"from": u.From, "from_on": u.FromOn, "to": u.To, "to_on": u.ToOn, "used": u.Used, "price_fen": u.PriceFen}
			if u.Replaced != 0 {
				basis["replaced"] = u.Replaced
			}
			b := core.NewRecord(col)
			for k, v := range map[string]any{
				"community": u.Community, "unit": u.Unit, "renovation": u.Renovation, "charge": u.Charge,
				"source": u.Serial, "period": day[:7], "period_start": u.FromOn, "period_end": u.ToOn, "due_on": due,
				"payer": u.Applicant, "amount_fen": amount, "status": "issued", "basis": basis,
			} {
				b.Set(k, v)
			}
			if err := tx.Save(b); err != nil {
				return fmt.Errorf("utility bill of %s: %w", u.Serial, err)
			}
			if err := syncRenovationFees(tx, u.Renovation); err != nil {
				return err
			}
			reno, err := tx.FindRecordById("renovations", u.Renovation)
			if err != nil {
				return err
			}
			if err := RecordEvent(tx, Event{Subject: reno, Action: "utilities", Public: true,
				Note: fmt.Sprintf("%s %s %s→%s %s %s", b.GetString("serial"), utilityNames[u.Charge].zh, u.FromOn, u.ToOn,
					fmtReading(u.Used), money.Yuan(amount))}); err != nil {
				return err
			}
			n++
		}
		return nil
	})
	return n, err
}

func registerRenovationUtilities(app core.App) {
	// The 15th, early morning: the readings of the month's walk are in.
	addJob(app, "wuye_renovation_utilities", "30 6 15 * *",
		jobStep{"bill renovation construction water and electricity", daily(BillRenovationUtilities)})
}
