package demo

import (
	"fmt"

	"github.com/pocketbase/dbx"
)

// registry adds what the registry screens show beyond units and links
// (docs/DESIGN.md § Registry): the tenancy terms of 1-101's tenant and the
// parking spaces of both communities — 翠湖花园's garage under building 3
// with one space owned by 1-102's household, one leased by 1-101's and the
// rest unassigned, and a leased space of 银杏苑's A-101.
func (l *loader) registry() {
	if l.err != nil {
		return
	}
	tenant, err := l.app.FindFirstRecordByFilter("unit_residents", "unit = {:u} && relation = 'tenant'", dbx.Params{"u": l.units["1-101"].Id})
	if err != nil {
		l.err = fmt.Errorf("demo tenancy of 1-101: %w", err)
		return
	}
	tenant.Set("lease_contract_no", "ZL-2025-0901")
	tenant.Set("lease_rent_fen", 320000)
	if l.err = l.app.Save(tenant); l.err != nil {
		return
	}
	b3 := l.units["3-P001"].GetString("building")
	ch := l.units["1-101"].GetString("community")
	for n := 1; n <= 6; n++ {
		fields := map[string]any{"community": ch, "building": b3, "code": fmt.Sprintf("B1-%02d", n), "holding": "unassigned"}
		switch n {
		case 1:
			fields["holding"], fields["unit"], fields["plate"] = "owned", l.units["1-102"].Id, "渝A12345"
		case 2:
			fields["holding"], fields["unit"], fields["plate"] = "leased", l.units["1-101"].Id, "渝B67890"
			fields["lease_until"], fields["monthly_fee_fen"] = "2027-08-31", 30000
		}
		l.save("parking_spaces", fields)
	}
	l.save("parking_spaces", map[string]any{"community": l.units["A-101"].GetString("community"), "code": "YX-01", "holding": "leased",
		"unit": l.units["A-101"].Id, "plate": "渝C24680", "lease_until": "2027-06-30", "monthly_fee_fen": 25000})
}
