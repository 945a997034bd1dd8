package hooks

import (
	"encoding/json"
	"math"
	"strconv"
	"strings"
	"unicode/utf8"

	validation "github.com/pocketbase/ozzo-validation/v4"
	"github.com/pocketbase/pocketbase/core"

	"wuye/migrations"
)

// Every amount of money is bounded (issue #16, item 3): what a client sends
// (checkInput, guard_input.go), what Wuye computes (a work order's
// materials and amount, a bill of the billing run, a late fee) and what any
// save stores (validateMoneyFields below, and the Max that migration 0032
// puts on every *_fen field of the schema).
//
// The bound, MaxFen, is 1亿元 (10^10 fen) per document: far above any bill,
// deposit, fine, quote or payment of a property office (the largest are a
// year of fees on a whole commercial floor, some hundred thousand yuan).
//
// Why sums cannot overflow: int64 holds 9.22×10^18 fen; at most 10^10 fen a
// row, a sum overflows only past 9.2×10^8 rows, while a 10,000-unit estate
// billing five items every month for a century makes 6×10^7 bills. The
// statistics moreover sum with SQLite's TOTAL (a float, which never raises
// "integer overflow" as SUM does) and clamp the answer to ±(2^53−1) fen
// (fenTotal, fenClamp), so that rows stored before the bound (a work order
// of 9×10^18 fen, summaries that SQLite turned into floats when they
// overflowed) give a large figure rather than a month that answers 400
// forever. Integers below 2^53 are exact in a float, so the sums of real
// amounts are exact.

// MaxFen is the largest amount, in fen, any money field holds.
const MaxFen = migrations.MaxFen

// Materials on a work order (the field app, pb_public/js/staff/field.js,
// sends {name, qty, price_fen} lines): a store issue slip's quantity is above
// 0, at most 10,000 and has at most two decimals (2.5 m of pipe, 0.25 kg of
// putty); a line (quantity × unit price) is at most 100万元; the order
// (quote plus materials) at most MaxFen.
const (
	maxMaterialQty     = 10_000
	maxMaterialLineFen = 100_000_000 // 100万元
	maxMaterialName    = 100         // the field app's maxlength
)

// maxSumFen bounds a statistic's sum: 2^53−1, the largest integer a float
// (and a browser's JavaScript number) holds exactly.
const maxSumFen = 1<<53 - 1

func init() {
	messages["wuye_material_name"] = text{"第 %[1]v 行材料：须填写名称（不超过 100 字）", "Materials line %[1]v: a name of at most 100 characters is required."}
	messages["wuye_material_qty_positive"] = text{"第 %[1]v 行材料：数量必须大于 0", "Materials line %[1]v: the quantity must be above 0."}
	messages["wuye_material_qty_max"] = text{"第 %[1]v 行材料：数量不能超过 10000", "Materials line %[1]v: the quantity cannot exceed 10,000."}
	messages["wuye_material_qty_decimals"] = text{"第 %[1]v 行材料：数量最多保留两位小数", "Materials line %[1]v: the quantity has at most two decimals."}
	messages["wuye_material_price"] = text{"第 %[1]v 行材料：单价须是 0 到 100 万元之间的整数（单位：分）", "Materials line %[1]v: the unit price must be a whole number of fen from 0 to 1,000,000 yuan."}
	messages["wuye_material_line_max"] = text{"第 %[1]v 行材料：金额（数量 × 单价）不能超过 100 万元", "Materials line %[1]v: quantity × unit price cannot exceed 1,000,000 yuan."}
	messages["wuye_material_line"] = text{"第 %[1]v 行材料：格式不正确，应有名称、数量和单价", "Materials line %[1]v: a line has a name, a quantity and a unit price."}
	messages["wuye_order_total_max"] = text{"派工单金额（报价加材料）不能超过 1 亿元", "The order's amount (quote plus materials) cannot exceed 100,000,000 yuan."}
}

func registerMoneyGuard(app core.App) {
	// Every save, whoever makes it (API, hooks, jobs): a *_fen value that
	// changed is within ±MaxFen. Unchanged values are left alone, so a row
	// stored before the bound does not stop the jobs that touch it.
	app.OnRecordValidate().BindFunc(func(e *core.RecordEvent) error {
		if err := validateMoneyFields(e.Record); err != nil {
			return err
		}
		return e.Next()
	})
	app.OnRecordValidate("work_orders").BindFunc(func(e *core.RecordEvent) error {
		r := e.Record
		if r.IsNew() || r.Original().GetString("materials") != r.GetString("materials") {
			if _, err := checkMaterials(r.GetString("materials")); err != nil {
				return err
			}
		}
		return e.Next()
	})
}

// validateMoneyFields refuses a changed *_fen value beyond ±MaxFen.
func validateMoneyFields(r *core.Record) error {
	var orig *core.Record
	if !r.IsNew() {
		orig = r.Original()
	}
	for _, f := range r.Collection().Fields {
		name := f.GetName()
		if f.Type() != core.FieldTypeNumber || !strings.HasSuffix(name, "_fen") {
			continue
		}
		v := r.GetFloat(name)
		if orig != nil && orig.GetFloat(name) == v {
			continue
		}
		if math.Abs(v) > MaxFen {
			return validation.Errors{name: codedError("wuye_amount_too_large")}
		}
	}
	return nil
}

// checkMaterials reads the materials of a work order (raw JSON, "" or
// "null" for none) and returns their cost in fen, refusing a line that is
// not a name, a quantity and a unit price within the bounds above, with the
// line's number.
func checkMaterials(raw string) (int64, error) {
	if raw == "" || raw == "null" {
		return 0, nil
	}
	dec := json.NewDecoder(strings.NewReader(raw))
	dec.UseNumber()
	var lines []map[string]any
	if err := dec.Decode(&lines); err != nil {
		return 0, materialsError("wuye_materials_invalid")
	}
	var total int64
	for i, l := range lines {
		n := i + 1
		if l == nil {
			return 0, materialsError("wuye_material_line", n)
		}
		name, ok := l["name"].(string)
		if !ok || strings.TrimSpace(name) == "" || utf8.RuneCountInString(name) > maxMaterialName {
			return 0, materialsError("wuye_material_name", n)
		}
		qtyNum, ok := l["qty"].(json.Number)
		if !ok {
			return 0, materialsError("wuye_material_line", n)
		}
		qty, err := strconv.ParseFloat(string(qtyNum), 64)
		switch {
		case err != nil || math.IsNaN(qty) || qty <= 0:
			return 0, materialsError("wuye_material_qty_positive", n)
		case qty > maxMaterialQty:
			return 0, materialsError("wuye_material_qty_max", n)
		}
		// Hundredths of the quantity, an integer of at most 10^6.
		centi := math.Round(qty * 100)
		if math.Abs(qty*100-centi) > 1e-6 {
			return 0, materialsError("wuye_material_qty_decimals", n)
		}
		priceNum, ok := l["price_fen"].(json.Number)
		if !ok {
			return 0, materialsError("wuye_material_price", n)
		}
		price, err := strconv.ParseInt(string(priceNum), 10, 64)
		if err != nil || price < 0 || price > maxMaterialLineFen {
			return 0, materialsError("wuye_material_price", n)
		}
		// At most 10^6 × 10^8 = 10^14 before the division: no overflow.
		// Rounded half up to the fen, as the field app shows it.
		line := (int64(centi)*price + 50) / 100
		if line > maxMaterialLineFen {
			return 0, materialsError("wuye_material_line_max", n)
		}
		// At most 400 lines fit the field's 20,000 bytes: ≤ 4×10^10.
		total += line
	}
	if total > MaxFen {
		return 0, materialsError("wuye_order_total_max")
	}
	return total, nil
}

func materialsError(code string, params ...any) error {
	return badRequest(validation.Errors{"materials": codedError(code, params...)})
}

// fenTotal is SQL for the sum of a money expression over a group that
// cannot fail: TOTAL never raises "integer overflow", and the answer is
// clamped to ±maxSumFen and given back as an integer (0 for no rows).
func fenTotal(expr string) string {
	return fenClamp("TOTAL(" + expr + ")")
}

// fenClamp is SQL for a money value read from a summary clamped to
// ±maxSumFen, as an integer (a summary that overflowed holds a float).
func fenClamp(expr string) string {
	m := strconv.FormatInt(maxSumFen, 10)
	return "CAST(MAX(MIN(" + expr + ", " + m + "), -" + m + ") AS INTEGER)"
}

// addFen adds amounts of fen, saturating at ±maxSumFen.
func addFen(a, b int64) int64 {
	s := a + b
	switch {
	case (a > 0 && b > 0 && s < 0) || s > maxSumFen:
		return maxSumFen
	case (a < 0 && b < 0 && s >= 0) || s < -maxSumFen:
		return -maxSumFen
	}
	return s
}
