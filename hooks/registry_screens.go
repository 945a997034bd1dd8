package hooks

import (
	validation "github.com/pocketbase/ozzo-validation/v4"
	"github.com/pocketbase/pocketbase/core"
)

// The registry kept in the staff workspace (issue #20, item 1; docs/DESIGN.md
// § Registry): the rules the registry screens' writes meet beyond the API
// rules (supervisor and director of the community, migrations/rules.go
// registryWriter).
//
//   - A tenancy's terms — lease contract number and monthly rent — belong to
//     a tenant's link only (migrations/0067_lease_terms.go; the area manager
//     keeps "房屋租赁及租金情况", [000] 管理员 4.5.3).
//   - A parking space (migrations/0066_parking_spaces.go) is unassigned
//     (no household, plate or lease date), owned (a unit holds it) or leased
//     (a unit holds it until a date); its garage building and its unit are in
//     its community, its code (the number painted on the floor) unique there,
//     and its community never changes. A space is never deleted.
//   - Every change is an event (hooks/registry.go auditedFields); a staff
//     account switched off or on is recorded as "deactivated" / "activated".
func init() {
	messages["wuye_parking_elsewhere"] = text{"不属于本车位所在的小区", "Is not in the parking space's community."}
	messages["wuye_lease_tenant_only"] = text{"只有租户的登记可以填写租赁合同和租金", "Only a tenant's link carries a lease contract and rent."}
	messages["wuye_parking_code_taken"] = text{"本小区已有车位编号 %[1]v", "This community already has parking space %[1]v."}
	messages["wuye_parking_needs_unit"] = text{"产权或月租车位需要选择使用的房屋", "An owned or leased space needs the unit that holds it."}
	messages["wuye_parking_unassigned"] = text{"未分配的车位不能填写房屋、车牌或租期", "An unassigned space has no unit, plate or lease date."}
	messages["wuye_parking_lease_until"] = text{"月租车位需要填写租期截止日期", "A leased space needs the date its lease ends."}
	messages["wuye_parking_owned_no_lease"] = text{"产权车位没有租期截止日期", "An owned space has no lease end date."}
	for k, v := range map[string]text{
		"holding": {"车位性质", "Holding"}, "plate": {"车牌号", "Plate"}, "lease_until": {"租期截止", "Lease until"},
		"monthly_fee_fen": {"月租金额", "Monthly fee"}, "lease_contract_no": {"租赁合同编号", "Lease contract number"},
		"lease_rent_fen": {"月租金", "Monthly rent"},
	} {
		if _, ok := fieldLabels[k]; !ok {
			fieldLabels[k] = v
		}
	}
}

// auditedSwitches names, per collection, a flag whose change is recorded as
// its own action ("activated" / "deactivated") rather than a plain update.
var auditedSwitches = map[string]string{"staff": "active"}

func registerRegistryScreens(app core.App) {
	app.OnRecordValidate("unit_residents").BindFunc(validateLeaseTerms)
	app.OnRecordValidate("parking_spaces").BindFunc(validateParkingSpace)
}

func validateLeaseTerms(e *core.RecordEvent) error {
	if err := e.Next(); err != nil {
		return err
	}
	r := e.Record
	if r.GetString("relation") != "tenant" {
		for _, f := range []string{"lease_contract_no", "lease_rent_fen"} {
			if v := r.GetString(f); v != "" && v != "0" {
				return validation.Errors{f: codedError("wuye_lease_tenant_only")}
			}
		}
	}
	return nil
}

func validateParkingSpace(e *core.RecordEvent) error {
	r := e.Record
	if err := e.Next(); err != nil {
		return err
	}
	if err := immutable(r, "community"); err != nil {
		return err
	}
	community := r.GetString("community")
	if id := r.GetString("building"); id != "" {
		b, err := e.App.FindRecordById("buildings", id)
		if err != nil || b.GetString("community") != community {
			return validation.Errors{"building": codedError("wuye_parking_elsewhere")}
		}
	}
	if id := r.GetString("unit"); id != "" {
		u, err := e.App.FindRecordById("units", id)
		if err != nil || u.GetString("community") != community {
			return validation.Errors{"unit": codedError("wuye_parking_elsewhere")}
		}
	}
	if err := checkDate(r, "lease_until"); err != nil {
		return err
	}
	switch r.GetString("holding") {
	case "unassigned":
		for _, f := range []string{"unit", "plate", "lease_until"} {
			if r.GetString(f) != "" {
				return validation.Errors{f: codedError("wuye_parking_unassigned")}
			}
		}
	case "owned":
		if r.GetString("unit") == "" {
			return validation.Errors{"unit": codedError("wuye_parking_needs_unit")}
		}
		if r.GetString("lease_until") != "" {
			return validation.Errors{"lease_until": codedError("wuye_parking_owned_no_lease")}
		}
	case "leased":
		if r.GetString("unit") == "" {
			return validation.Errors{"unit": codedError("wuye_parking_needs_unit")}
		}
		if r.GetString("lease_until") == "" {
			return validation.Errors{"lease_until": codedError("wuye_parking_lease_until")}
		}
	}
	return uniqueWithin(e.App, r, "community", "code", "wuye_parking_code_taken")
}
