package migrations

import (
	"fmt"
	"strings"

	"github.com/pocketbase/pocketbase/core"
)

// The fee collections: what the payments allocated to bills (reversals
// negative), summed by the community, the Shanghai month of the payment
// (paid_month), and the bill's period month (bill_month), building and fee
// item — counting, as hooks.FeeCollection does, only allocations to bills of
// the payment's community that are not void.
//
// The bill's side of that can change after the payment (a bill voided or
// deleted, its period or item corrected, its unit moved to another
// building), so every allocation is also kept by bill in FeeAllocsTable:
// the triggers on bills and units move a bill's allocations from its old
// group to its new one. Payments are never changed or deleted by Wuye, but
// the triggers follow raw SQL that does.
const (
	FeeCollectionsTable = "_wuye_fee_collections"
	FeeAllocsTable      = "_wuye_fee_allocs"
)

// The allocations of a payment row p (NEW, OLD or an alias), each a row a
// of feeAllocsOf(p): its bill (NULL for an element that is not an object)
// and amount.
const (
	feeAllocBill = "(CASE WHEN a.type = 'object' THEN a.value ->> 'bill' END)"
	feeAllocFen  = "(CASE WHEN a.type = 'object' THEN COALESCE(CAST(a.value ->> 'amount_fen' AS INTEGER), 0) ELSE 0 END)"
)

func feeAllocsOf(p string) string {
	return "json_each(CASE WHEN json_valid(" + p + ".allocations) THEN " + p + ".allocations ELSE '[]' END) a"
}

const feeCollectionsUpsert = "INSERT INTO " + FeeCollectionsTable + " (community, paid_month, bill_month, building, fee_item, fen) "

const feeCollectionsConflict = " ON CONFLICT (community, paid_month, bill_month, building, fee_item) DO UPDATE SET fen = fen + excluded.fen;"

// feePaymentAdd adds (sign 1) or takes away (-1) the allocations of payment
// row p.
func feePaymentAdd(p string, sign string) string {
	return feeCollectionsUpsert + "SELECT " + p + ".community, " + shanghaiMonth(p+".created") + ", substr(b.period_start, 1, 7), " + unitBuilding("b.unit") + ", b.fee_item, " + sign + feeAllocFen + " " +
		"FROM " + feeAllocsOf(p) + " CROSS JOIN bills b ON b.id = " + feeAllocBill + " " +
		"WHERE b.community = " + p + ".community AND b.status != 'void'" + feeCollectionsConflict
}

// feeBillAdd adds or takes away the allocations to bill row b, in building.
func feeBillAdd(b, sign, building string) string {
	return feeCollectionsUpsert + "SELECT a.community, a.month, substr(" + b + ".period_start, 1, 7), " + building + ", " + b + ".fee_item, " + sign + "a.fen " +
		"FROM " + FeeAllocsTable + " a WHERE a.bill = " + b + ".id AND a.community = " + b + ".community AND " + b + ".status != 'void'" + feeCollectionsConflict
}

// feeUnitBills adds or takes away the bills of unit (an id) to feeBills and
// their allocations to the fee collections, in building.
func feeUnitBills(unit, sign, building string) []string {
	keys, values := feeBills.columns()
	sel := []string{"r.community", "substr(r.period_start, 1, 7)", building, "r.fee_item"}
	var set []string
	for _, v := range feeBills.Values {
		sel = append(sel, sign+"("+v[1]+")")
		set = append(set, v[0]+" = "+v[0]+" + excluded."+v[0])
	}
	return []string{
		"INSERT INTO " + feeBills.Table + " (" + strings.Join(append(keys, values...), ", ") + ") SELECT " + strings.Join(sel, ", ") +
			" FROM bills r WHERE r.unit = " + unit + " AND " + feeBills.When +
			" ON CONFLICT (" + strings.Join(keys, ", ") + ") DO UPDATE SET " + strings.Join(set, ", ") + ";",
		feeCollectionsUpsert + "SELECT a.community, a.month, substr(r.period_start, 1, 7), " + building + ", r.fee_item, " + sign + "a.fen " +
			"FROM bills r CROSS JOIN " + FeeAllocsTable + " a ON a.bill = r.id WHERE r.unit = " + unit +
			" AND a.community = r.community AND r.status != 'void'" + feeCollectionsConflict,
	}
}

func feeAllocsInsert(p string) string {
	return "INSERT INTO " + FeeAllocsTable + " (bill, payment, n, community, month, fen) " + feeAllocsSelect(p) + ";"
}

func feeAllocsSelect(p string) string {
	return "SELECT " + feeAllocBill + ", " + p + ".id, a.key, " + p + ".community, " + shanghaiMonth(p+".created") + ", " + feeAllocFen +
		" FROM " + feeAllocsOf(p) + " WHERE " + feeAllocBill + " IS NOT NULL"
}

func feeAllocsDelete(p string) string {
	return "DELETE FROM " + FeeAllocsTable + " WHERE payment = " + p + ".id AND bill IN (SELECT " + feeAllocBill + " FROM " + feeAllocsOf(p) + ");"
}

var feeTriggers = []string{"pay_insert", "pay_delete", "pay_update", "bill_insert", "bill_delete", "bill_update", "unit_update"}

func feeCollectionsSchema() []string {
	out := []string{
		"CREATE TABLE IF NOT EXISTS " + FeeAllocsTable + " (bill TEXT NOT NULL, payment TEXT NOT NULL, n INTEGER NOT NULL, " +
			"community TEXT NOT NULL, month TEXT NOT NULL, fen INTEGER NOT NULL, PRIMARY KEY (bill, payment, n)) WITHOUT ROWID",
		"CREATE TABLE IF NOT EXISTS " + FeeCollectionsTable + " (community TEXT NOT NULL, paid_month TEXT NOT NULL, bill_month TEXT NOT NULL, " +
			"building TEXT NOT NULL, fee_item TEXT NOT NULL, fen INTEGER NOT NULL DEFAULT 0, " +
			"PRIMARY KEY (community, paid_month, bill_month, building, fee_item)) WITHOUT ROWID",
	}
	for _, t := range feeTriggers {
		out = append(out, "DROP TRIGGER IF EXISTS "+FeeCollectionsTable+"_"+t)
	}
	trigger := func(name, event, when string, body ...string) string {
		if when != "" {
			when = " WHEN " + when
		}
		return "CREATE TRIGGER " + FeeCollectionsTable + "_" + name + " AFTER " + event + when + " BEGIN " + strings.Join(body, " ") + " END"
	}
	changed := func(cols ...string) string {
		var c []string
		for _, col := range cols {
			c = append(c, "OLD."+col+" IS NOT NEW."+col)
		}
		return strings.Join(c, " OR ")
	}
	return append(out,
		trigger("pay_insert", "INSERT ON payments", "", feeAllocsInsert("NEW"), feePaymentAdd("NEW", "")),
		trigger("pay_delete", "DELETE ON payments", "", feePaymentAdd("OLD", "-"), feeAllocsDelete("OLD")),
		trigger("pay_update", "UPDATE ON payments", changed("id", "community", "created", "allocations"),
			feePaymentAdd("OLD", "-"), feeAllocsDelete("OLD"), feeAllocsInsert("NEW"), feePaymentAdd("NEW", "")),
		trigger("bill_insert", "INSERT ON bills", "", feeBillAdd("NEW", "", unitBuilding("NEW.unit"))),
		trigger("bill_delete", "DELETE ON bills", "", feeBillAdd("OLD", "-", unitBuilding("OLD.unit"))),
		trigger("bill_update", "UPDATE ON bills",
			changed("id", "community", "unit", "fee_item", "period_start")+" OR (OLD.status = 'void') IS NOT (NEW.status = 'void')",
			feeBillAdd("OLD", "-", unitBuilding("OLD.unit")), feeBillAdd("NEW", "", unitBuilding("NEW.unit"))),
		// A unit moved to another building moves its bills' sums (feeBills
		// and the collections both), from the old building to the new one.
		trigger("unit_update", "UPDATE ON units", changed("building"),
			append(feeUnitBills("OLD.id", "-", "COALESCE(OLD.building, '')"), feeUnitBills("NEW.id", "", "COALESCE(NEW.building, '')")...)...),
	)
}

func feeCollectionsDrop() []string {
	var out []string
	for _, t := range feeTriggers {
		out = append(out, "DROP TRIGGER IF EXISTS "+FeeCollectionsTable+"_"+t)
	}
	return append(out, "DROP TABLE IF EXISTS "+FeeCollectionsTable, "DROP TABLE IF EXISTS "+FeeAllocsTable)
}

// rebuildFeeCollections fills the allocations and the fee collections
// afresh from the payments and bills.
func rebuildFeeCollections(app core.App) error {
	for _, q := range []string{
		"DELETE FROM " + FeeAllocsTable,
		"INSERT INTO " + FeeAllocsTable + " (bill, payment, n, community, month, fen) " +
			strings.Replace(feeAllocsSelect("p"), " FROM ", " FROM payments p CROSS JOIN ", 1),
		"DELETE FROM " + FeeCollectionsTable,
		"INSERT INTO " + FeeCollectionsTable + " (community, paid_month, bill_month, building, fee_item, fen) " +
			"SELECT a.community, a.month, substr(b.period_start, 1, 7), " + unitBuilding("b.unit") + ", b.fee_item, TOTAL(a.fen) " +
			"FROM " + FeeAllocsTable + " a CROSS JOIN bills b ON b.id = a.bill WHERE b.community = a.community AND b.status != 'void' " +
			"GROUP BY 1, 2, 3, 4, 5",
	} {
		if _, err := app.DB().NewQuery(q).Execute(); err != nil {
			return fmt.Errorf("rebuild %s: %w", FeeCollectionsTable, err)
		}
	}
	return nil
}
