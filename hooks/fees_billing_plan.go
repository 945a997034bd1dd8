package hooks

import (
	"database/sql"
	"fmt"
	"math/big"
	"slices"
	"strings"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"wuye/lib/fee"
	"wuye/lib/money"
)

// Pricing a billing run (see RunBilling in fees_billing.go): the plan worked
// out once per run, each batch of units loaded with what prices them, and
// each (area, price, rates) priced once.

// billPlan is what a run works out once and uses for every batch: the
// period's dates, the fee items, how a bill row is written, and the prices
// it has already worked out.
type billPlan struct {
	run             string
	period          fee.Period
	start, end, due string
	days            []time.Time // every day of the period
	items           []feeItem
	statuses        []string
	table           *billTable
	meters          []string // of the metered items
	managed         map[managedKey]priced
	monthly         map[monthlyKey]int64
	serialPrefix    string
	feeStart        fee.StartPolicy // the community's: from the handover or the move-in notice
}

// feeItem is what pricing needs of a fee item, read once per run.
type feeItem struct {
	id, code, basis, kind, meter string
	price                        int64
	unitTypes                    []string
	priceBasis                   string // {"price_fen":…}, the basis of per-unit and fixed items
}

// priced is a worked-out amount and its basis JSON.
type priced struct {
	amount int64
	basis  string
}

func newBillPlan(app core.App, run string, p fee.Period, items []*core.Record, feeStart fee.StartPolicy) (*billPlan, error) {
	col, err := app.FindCachedCollectionByNameOrId("bills")
	if err != nil {
		return nil, err
	}
	table, err := newBillTable(app, col)
	if err != nil {
		return nil, err
	}
	pl := &billPlan{
		run: run, period: p, table: table, statuses: billStatuses(col), serialPrefix: serialPrefixes["bills"],
		start: p.First.Format(time.DateOnly), end: p.Last.Format(time.DateOnly),
		due:     p.First.AddDate(0, 0, paymentWindowDays-1).Format(time.DateOnly),
		managed: map[managedKey]priced{}, monthly: map[monthlyKey]int64{}, feeStart: feeStart,
	}
	for day := p.First; !day.After(p.Last); day = day.AddDate(0, 0, 1) {
		pl.days = append(pl.days, day)
	}
	if len(pl.days) > maxPeriodDays {
		return nil, fmt.Errorf("period %s has %d days", p.Code, len(pl.days))
	}
	for _, r := range items {
		it := feeItem{id: r.Id, code: r.GetString("code"), basis: r.GetString("basis"), kind: r.GetString("kind"),
			meter: r.GetString("meter"), price: int64(r.GetInt("price_fen")), unitTypes: r.GetStringSlice("unit_types")}
		switch it.basis {
		case "per_m2_month", "per_unit_month", "fixed":
		case "metered":
			if !slices.Contains(pl.meters, it.meter) {
				pl.meters = append(pl.meters, it.meter)
			}
		default:
			return nil, fmt.Errorf("fee item %s: unknown basis %q", it.code, it.basis)
		}
		it.priceBasis = mustJSON(map[string]any{"price_fen": it.price})
		pl.items = append(pl.items, it)
	}
	return pl, nil
}

// batchUnit is what billing reads of a unit.
type batchUnit struct {
	ID         string  `db:"id"`
	Community  string  `db:"community"`
	Type       string  `db:"type"`
	AreaM2     float64 `db:"area_m2"`
	HandedOver string  `db:"handed_over_on"`
	Renovated  string  `db:"renovation_registered_on"`
	MovedIn    string  `db:"moved_in_on"`
	Notice     string  `db:"notice_on"`
}

// unitBatch is what a batch of units needs, each read with one query: the
// units, the bills of the period they have already, their current owners,
// their meter readings around the period and their unpaid paid-service
// orders.
type unitBatch struct {
	units    []batchUnit
	existing map[string]bool // unit + "/" + fee item
	owners   map[string]string
	readings map[string]float64 // meter + "/" + unit + "/" + "before", "after" or "replaced"
	lines    map[string][]StatementLine
}

func (pl *billPlan) loadBatch(tx core.App, ids []string) (*unitBatch, error) {
	b := &unitBatch{existing: map[string]bool{}, owners: map[string]string{}, readings: map[string]float64{},
		lines: map[string][]StatementLine{}}
	in := make([]any, len(ids))
	for i, id := range ids {
		in[i] = id
	}
	if err := tx.DB().Select("id", "community", "type", "area_m2", "handed_over_on", "renovation_registered_on", "moved_in_on", "notice_on").
		From("units").Where(dbx.In("id", in...)).OrderBy("id").All(&b.units); err != nil {
		return nil, fmt.Errorf("batch units: %w", err)
	}
	var existing []struct {
		Unit    string `db:"unit"`
		FeeItem string `db:"fee_item"`
	}
	if err := tx.DB().Select("unit", "fee_item").From("bills").
		Where(dbx.In("unit", in...)).AndWhere(dbx.HashExp{"period": pl.period.Code}).AndWhere(dbx.NewExp("fee_item != ''")).
		All(&existing); err != nil {
		return nil, fmt.Errorf("batch bills: %w", err)
	}
	for _, e := range existing {
		b.existing[e.Unit+"/"+e.FeeItem] = true
	}
	var owners []struct {
		Unit     string `db:"unit"`
		Resident string `db:"resident"`
	}
	if err := tx.DB().Select("unit", "resident").From("unit_residents").
		Where(dbx.In("unit", in...)).AndWhere(dbx.HashExp{"relation": "owner", "active": true}).
		OrderBy("since DESC").All(&owners); err != nil {
		return nil, fmt.Errorf("batch owners: %w", err)
	}
	for _, o := range owners {
		b.owners[o.Unit] = o.Resident // the earliest owner wins: ordered latest first
	}
	// The latest reading on or before the day before the period and on or
	// before its last day (SQLite takes the bare column from the MAX row),
	// of the readings no correction replaces (hooks/fees_meter_readings.go),
	// and what the meter replacements between them add
	// (hooks/fees_meter_replacements.go).
	params := dbx.Params{"before": pl.period.First.AddDate(0, 0, -1).Format(time.DateOnly), "after": pl.end}
	holders := make([]string, len(ids))
	for i, id := range ids {
		holders[i] = fmt.Sprintf("{:u%d}", i)
		params[fmt.Sprintf("u%d", i)] = id
	}
	for _, meter := range pl.meters {
		params["m"] = meter
		var rows []struct {
			Unit     string          `db:"unit"`
			Before   sql.NullFloat64 `db:"before_reading"`
			After    float64         `db:"after_reading"`
			Replaced float64         `db:"replaced"`
		}
		if err := tx.DB().NewQuery(`WITH eff AS (SELECT unit, reading, read_on FROM meter_readings
				WHERE unit IN (` + strings.Join(holders, ", ") + `) AND meter = {:m} AND read_on <= {:after} AND ` + effectiveReadingsSQL + `),
			a AS (SELECT unit, reading, MAX(read_on) AS read_on FROM eff WHERE read_on <= {:before} GROUP BY unit),
			b AS (SELECT unit, reading, MAX(read_on) AS read_on FROM eff GROUP BY unit)
			SELECT b.unit AS unit, a.reading AS before_reading, b.reading AS after_reading,
				` + replacementsBetweenSQL("b.unit", "{:m}", "a.read_on", "b.read_on") + ` AS replaced
			FROM b LEFT JOIN a ON a.unit = b.unit`).Bind(params).All(&rows); err != nil {
			return nil, fmt.Errorf("batch readings: %w", err)
		}
		for _, r := range rows {
			if r.Before.Valid {
				b.readings[meter+"/"+r.Unit+"/before"] = r.Before.Float64
			}
			b.readings[meter+"/"+r.Unit+"/after"] = r.After
			b.readings[meter+"/"+r.Unit+"/replaced"] = r.Replaced
		}
	}
	var lines []struct {
		StatementLine
		Unit string `db:"unit"`
	}
	if err := tx.DB().Select("id", "serial", "amount_fen", "completed_at", "unit").From("work_orders").
		Where(dbx.In("unit", in...)).AndWhere(dbx.NewExp("payment = 'unpaid' AND amount_fen > 0 AND status != 'cancelled'")).
		// An amount beyond the bound (stored before it; migration 0032
		// repairs such rows) is no statement line.
		AndWhere(dbx.NewExp("amount_fen <= {:max}", dbx.Params{"max": MaxFen})).
		OrderBy("completed_at").All(&lines); err != nil {
		return nil, fmt.Errorf("batch orders: %w", err)
	}
	for _, l := range lines {
		b.lines[l.Unit] = append(b.lines[l.Unit], l.StatementLine)
	}
	return b, nil
}

// billBatch makes the bills of the units ids in transaction tx.
func (pl *billPlan) billBatch(tx core.App, ids []string, tally *billTally) error {
	batch, err := pl.loadBatch(tx, ids)
	if err != nil {
		return err
	}
	bills := make([]newBill, 0, len(ids)*len(pl.items))
	var billed []string // work orders put on the statement
	for i := range batch.units {
		unit := &batch.units[i]
		base := newBill{Community: unit.Community, Unit: unit.ID, Period: pl.period.Code, PeriodStart: pl.start,
			PeriodEnd: pl.end, DueOn: pl.due, Payer: batch.owners[unit.ID], Status: "issued", Run: pl.run}
		occ := fee.Occupancy{
			AreaCentiM2: int64(unit.AreaM2*100 + 0.5),
			HandedOver:  civil(unit.HandedOver),
			Renovated:   civil(unit.Renovated),
			MovedIn:     civil(unit.MovedIn),
			Notice:      civil(unit.Notice),
			Policy:      pl.feeStart,
		}
		for j := range pl.items {
			item := &pl.items[j]
			if !slices.Contains(item.unitTypes, unit.Type) {
				continue
			}
			if batch.existing[unit.ID+"/"+item.id] {
				tally.existing++
				continue
			}
			pr, ok := pl.price(item, unit, occ, batch)
			if !ok || pr.amount == 0 {
				tally.skipped++
				continue
			}
			b := base
			b.FeeItem, b.AmountFen, b.Basis = item.id, pr.amount, pr.basis
			bills = append(bills, b)
		}
		// Paid services the resident chose to pay with the statement [003 2.6.7].
		for _, l := range batch.lines[unit.ID] {
			b := base
			b.WorkOrder, b.Source, b.AmountFen = l.ID, l.Serial, l.AmountFen
			b.Basis = mustJSON(map[string]any{"work_order": l.Serial, "completed_at": l.CompletedAt})
			bills = append(bills, b)
			billed = append(billed, l.ID)
		}
	}
	for i := range bills {
		if err := checkBill(&bills[i], pl.statuses); err != nil {
			return fmt.Errorf("bill of unit %s for %s: %w", bills[i].Unit, bills[i].FeeItem+bills[i].Source, err)
		}
	}
	if err := pl.table.insert(tx, bills, pl.serialPrefix); err != nil {
		return err
	}
	if len(billed) > 0 {
		orders, err := tx.FindRecordsByIds("work_orders", billed)
		if err != nil {
			return err
		}
		for _, order := range orders {
			order.Set("payment", "billed")
			if err := tx.Save(order); err != nil {
				return fmt.Errorf("mark %s billed: %w", order.GetString("serial"), err)
			}
		}
	}
	tally.created += len(bills)
	return tellBilled(tx, pl.run, bills)
}

// tellBilled tells each household of the batch that its bills are out
// ([000] 管理员 4.1.2: 管理员做好缴费通知), one
// notification per household leading to its bills.
func tellBilled(tx core.App, run string, bills []newBill) error {
	total := map[string]int64{}
	count := map[string]int{}
	var units []any
	for _, b := range bills {
		if count[b.Unit] == 0 {
			units = append(units, b.Unit)
		}
		count[b.Unit]++
		total[b.Unit] += b.AmountFen
	}
	if len(units) == 0 {
		return nil
	}
	stored, err := tx.FindAllRecords("bills", dbx.HashExp{"run": run, "unit": units})
	if err != nil {
		return err
	}
	first := map[string]*core.Record{}
	for _, b := range stored {
		if first[b.GetString("unit")] == nil {
			first[b.GetString("unit")] = b
		}
	}
	for _, u := range units {
		unit := u.(string)
		b := first[unit]
		if b == nil {
			continue
		}
		title := fmt.Sprintf("%s 期账单已出：%d 张，合计 %s", b.GetString("period"), count[unit], money.Yuan(total[unit]))
		if err := notifyHousehold(tx, unit, Notice{Kind: "bill_issued", Title: title, Body: "缴费期限 " + b.GetString("due_on"), Subject: b}); err != nil {
			return err
		}
	}
	return nil
}

// maxPeriodDays is the longest period (a quarter) a run prices.
const maxPeriodDays = 92

// managedKey is what a per-m² amount depends on: lib/fee's ManagementFee
// reads the occupancy only through its area and its rate (free, half,
// full) on each day of the period, so two units with the same area and the
// same rate day by day owe the same. Most units of an estate share a
// handful of floor plans and pay the full rate all period, so a run prices
// each (area, price, rates) once rather than once per unit (ManagementFee
// walks the period's days with exact fractions: tens of microseconds).
type managedKey struct {
	price int64
	area  float64
	rates [maxPeriodDays]uint8
}

type monthlyKey struct {
	price int64
	from  string
}

// price works out item for unit over the period. ok is false when the
// amount cannot be known yet (a metered item without both readings).
//
// The community's start policy is the management fee's ([000] 收费员
// 4.2.1.1, [004] 四 2 4.5): an item of another kind starts on the handover
// date whatever the policy, and only the management fee has a half price.
func (pl *billPlan) price(item *feeItem, unit *batchUnit, occ fee.Occupancy, batch *unitBatch) (priced, bool) {
	p := pl.period
	if item.kind != "management" {
		occ.Policy = fee.FromHandover
	}
	start := occ.Start()
	switch item.basis {
	case "per_m2_month":
		if item.kind != "management" {
			occ.Renovated = occ.HandedOver // the half-price rule is the management fee's alone
		}
		key := managedKey{price: item.price, area: unit.AreaM2}
		for i, day := range pl.days {
			key.rates[i] = uint8(occ.RateOn(day))
		}
		if pr, ok := pl.managed[key]; ok {
			return pr, true
		}
		b := fee.ManagementFee(item.price, occ, p)
		pr := priced{b.AmountFen, mustJSON(managedBasis{AreaM2: unit.AreaM2, FreeDays: b.FreeDays, FullDays: b.FullDays,
			HalfDays: b.HalfDays, PriceFen: item.price})}
		pl.managed[key] = pr
		return pr, true
	case "per_unit_month":
		if start.IsZero() {
			return priced{}, true
		}
		key := monthlyKey{item.price, start.Format(time.DateOnly)}
		amount, ok := pl.monthly[key]
		if !ok {
			amount = fee.MonthlyFee(item.price, start, p)
			pl.monthly[key] = amount
		}
		return priced{amount, item.priceBasis}, true
	case "fixed":
		if start.IsZero() || start.After(p.Last) {
			return priced{}, true
		}
		return priced{item.price, item.priceBasis}, true
	case "metered":
		before, ok1 := batch.readings[item.meter+"/"+unit.ID+"/before"]
		after, ok2 := batch.readings[item.meter+"/"+unit.ID+"/after"]
		replaced := batch.readings[item.meter+"/"+unit.ID+"/replaced"]
		if !ok1 || !ok2 || after-before+replaced < 0 {
			return priced{}, false
		}
		used := new(big.Rat).SetFloat64(after - before + replaced)
		amount := fee.Round(used.Mul(used, new(big.Rat).SetInt64(item.price)))
		basis := map[string]any{"from": before, "to": after, "price_fen": item.price}
		if replaced != 0 {
			basis["replaced"] = replaced // old final − new start of the meters replaced in between
		}
		return priced{amount, mustJSON(basis)}, true
	}
	return priced{}, false // not reached: newBillPlan refuses unknown bases
}

// managedBasis is the basis of a per-m² bill, its keys in the order
// encoding/json gives a map's.
type managedBasis struct {
	AreaM2   float64 `json:"area_m2"`
	FreeDays int     `json:"free_days"`
	FullDays int     `json:"full_days"`
	HalfDays int     `json:"half_days"`
	PriceFen int64   `json:"price_fen"`
}
