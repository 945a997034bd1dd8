package hooks

import (
	"regexp"
	"slices"
	"strings"

	"github.com/pocketbase/dbx"
	validation "github.com/pocketbase/ozzo-validation/v4"
	"github.com/pocketbase/pocketbase/apis"
	"github.com/pocketbase/pocketbase/core"

	"wuye/lib/plates"
	"wuye/migrations"
)

// The household file (业主档案, docs/DESIGN.md § Household files): the
// household's members, with their ID papers; its vehicles; the emergency
// contact and the tenancy terms (household_files); the ownership transfers
// (hooks/households_transfers.go) and the director's export
// (hooks/households_export.go). The desk keeps the file ([000] 前台 3.6),
// the department files it per project ([004] 二 2); ID numbers are read in
// full by the supervisor and the director only ([004] 三 2.6: confidential
// papers behind reading rights; the table of hooks/base_masks.go), the scans
// of ID papers likewise (householdScanGuard).

var householdMessages = map[string]text{
	"wuye_member_needs_name":  {"没有住户账号的家庭成员须填写姓名", "A member without a resident account needs a name."},
	"wuye_id_number_invalid":  {"证件号码不正确：居民身份证为 18 位（末位可为 X），校验位须正确", "Invalid ID number: a resident ID card has 18 characters (the last may be X) with a valid check digit."},
	"wuye_id_other_invalid":   {"证件号码应为 5–20 位字母或数字", "An ID number has 5–20 letters or digits."},
	"wuye_id_type_needed":     {"填写证件号码须选择证件类型", "Choose the type of ID for the number."},
	"wuye_plate_invalid":      {"车牌号不正确，例如 渝A12345 或新能源 渝AD12345", "Invalid plate number, e.g. 渝A12345 or, new energy, 渝AD12345."},
	"wuye_plate_taken":        {"车牌 %[1]v 已登记在本小区", "Plate %[1]v is already registered in this community."},
	"wuye_space_not_unit":     {"该车位不属于这户（须为本户的产权或租用车位）", "This parking space is not held by this household (it must be owned or leased by the unit)."},
	"wuye_tenant_link":        {"租赁须关联本房屋的租户登记", "The tenancy must name a tenant link of this unit."},
	"wuye_household_file_one": {"该房屋已有业主档案", "This unit already has a household file."},
	"wuye_resident_may_edit":  {"住户只能修改紧急联系人", "A resident may change only the emergency contact."},
	"wuye_birth_year_future":  {"出生年份不能晚于今年", "The year of birth cannot be after this year."},
}

var householdFieldLabels = map[string]text{
	"relation": {"关系", "Relation"}, "birth_year": {"出生年份", "Year of birth"}, "id_type": {"证件类型", "ID type"},
	"id_no": {"证件号码", "ID number"}, "id_scans": {"证件扫描件", "ID scans"}, "left_on": {"迁出日期", "Left on"},
	"emergency_name": {"紧急联系人", "Emergency contact"}, "emergency_phone": {"紧急联系人电话", "Emergency contact's phone"},
	"emergency_relation": {"与业主关系", "Relation to the owner"}, "tenant_link": {"租户登记", "Tenant link"},
	"lease_start": {"租期开始", "Lease start"}, "lease_end": {"租期结束", "Lease end"}, "rent_fen": {"月租金", "Monthly rent"},
	"lease_note": {"租赁备注", "Lease note"}, "plate": {"车牌号", "Plate"}, "new_energy": {"新能源", "New energy"},
	"brand": {"品牌型号", "Make"}, "color": {"颜色", "Colour"}, "owner_name": {"车主", "Owner"}, "parking_space": {"车位", "Parking space"},
	"from_owners": {"原业主", "Previous owners"}, "to_owners": {"新业主", "New owners"}, "transferred_on": {"过户日期", "Transferred on"},
}

func init() {
	for k, v := range householdMessages {
		messages[k] = v
	}
	for k, v := range householdFieldLabels {
		if _, ok := fieldLabels[k]; !ok {
			fieldLabels[k] = v
		}
	}
}

func registerHouseholds(app core.App) {
	app.OnRecordValidate("household_members").BindFunc(validateMember)
	app.OnRecordValidate("household_files").BindFunc(validateHouseholdFile)
	app.OnRecordValidate("vehicles").BindFunc(validateVehicle)
	// ID scans are stored under neutral names: a file named after the ID
	// number would show it to everyone who reads the member.
	neutral := func(e *core.RecordEvent) error {
		for _, f := range e.Record.GetUnsavedFiles("id_scans") {
			f.Name = migrations.NeutralFileName(f.Name)
		}
		return e.Next()
	}
	app.OnRecordCreate("household_members").BindFunc(neutral)
	app.OnRecordUpdate("household_members").BindFunc(neutral)
	app.OnFileDownloadRequest("household_members").BindFunc(householdScanGuard)

	// A vehicle's active flag is the server's (a transfer retires the old
	// household's); a request's value is ignored.
	app.OnRecordCreateRequest("vehicles").BindFunc(func(e *core.RecordRequestEvent) error {
		e.Record.Set("active", true)
		return e.Next()
	})
	app.OnRecordUpdateRequest("vehicles").BindFunc(func(e *core.RecordRequestEvent) error {
		e.Record.Set("active", e.Record.Original().GetBool("active"))
		return e.Next()
	})
	// A resident (an owner) keeps only the emergency contact of the file;
	// the tenancy is the desk's.
	guardFile := func(e *core.RecordRequestEvent) error {
		if isResident(e.Auth) {
			for _, f := range changedFields(e.Record.Original(), e.Record) {
				if !strings.HasPrefix(f, "emergency_") && f != "unit" && f != "community" {
					return badRequest(validation.Errors{f: codedError("wuye_resident_may_edit")})
				}
			}
		}
		return e.Next()
	}
	app.OnRecordCreateRequest("household_files").BindFunc(guardFile)
	app.OnRecordUpdateRequest("household_files").BindFunc(guardFile)

	auditRequests(app, "household_members", "active")
	auditRequests(app, "household_files", "")
	auditRequests(app, "vehicles", "active")
	registerTransfers(app)
	registerHouseholdExport(app)
}

// householdScanGuard serves the scans of ID papers to the supervisor and
// the director (and superusers) only: the view rule lets the desk, the area
// manager and the household read the member, the table of masked fields
// shows them the number masked, and the scan would show it whole.
func householdScanGuard(e *core.FileDownloadRequestEvent) error {
	if e.FileField == nil || e.FileField.Name != "id_scans" {
		return e.Next()
	}
	auth, _ := e.App.FindAuthRecordByToken(e.Request.URL.Query().Get("token"), core.TokenTypeFile)
	if auth != nil && (auth.IsSuperuser() || hasRole(auth, RoleSupervisor, RoleDirector) && auth.GetBool("active")) {
		return e.Next()
	}
	return apis.NewNotFoundError("", nil)
}

// placeInUnit sets r's community from its unit (a unit never moves), and
// keeps both from changing.
func placeInUnit(app core.App, r *core.Record) error {
	if u, err := app.FindRecordById("units", r.GetString("unit")); err == nil {
		r.Set("community", u.GetString("community"))
	}
	return immutable(r, "unit", "community")
}

var (
	residentIDPattern = regexp.MustCompile(`^\d{17}[\dX]$`)
	otherIDPattern    = regexp.MustCompile(`^[A-Z0-9]{5,20}$`)
)

// ValidResidentID reports whether id is an 18-character resident ID card
// number (居民身份证, GB 11643) with a correct check digit.
func ValidResidentID(id string) bool {
	if !residentIDPattern.MatchString(id) {
		return false
	}
	weights := []int{7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2}
	sum := 0
	for i, w := range weights {
		sum += int(id[i]-'0') * w
	}
	return "10X98765432"[sum%11] == id[17]
}

func validateMember(e *core.RecordEvent) error {
	r := e.Record
	if err := placeInUnit(e.App, r); err != nil {
		return err
	}
	left := r.GetString("left_on")
	r.Set("active", left == "" || left > today())
	id := strings.ToUpper(strings.TrimSpace(r.GetString("id_no")))
	r.Set("id_no", id)
	if err := e.Next(); err != nil {
		return err
	}
	if err := checkDate(r, "left_on"); err != nil {
		return err
	}
	if y := r.GetInt("birth_year"); y > 0 && y > now().Year() {
		return validation.Errors{"birth_year": codedError("wuye_birth_year_future")}
	}
	if id != "" {
		switch r.GetString("id_type") {
		case "":
			return validation.Errors{"id_type": codedError("wuye_id_type_needed")}
		case "resident_id":
			if !ValidResidentID(id) {
				return validation.Errors{"id_no": codedError("wuye_id_number_invalid")}
			}
		default:
			if !otherIDPattern.MatchString(id) {
				return validation.Errors{"id_no": codedError("wuye_id_other_invalid")}
			}
		}
	}
	if res := r.GetString("resident"); res != "" {
		// The member's name is the account's unless given (the household
		// reads the name; the account's id is for the account alone,
		// hooks/guard_resident_ids.go).
		if strings.TrimSpace(r.GetString("name")) == "" {
			if acc, err := e.App.FindRecordById("residents", res); err == nil {
				r.Set("name", acc.GetString("name"))
			}
		}
		// A member with an account lives in the unit (any current link).
		if r.IsNew() || res != r.Original().GetString("resident") {
			return checkNamedResident(e.App, r, "resident")
		}
		return nil
	}
	if strings.TrimSpace(r.GetString("name")) == "" {
		return validation.Errors{"name": codedError("wuye_member_needs_name")}
	}
	return nil
}

func validateHouseholdFile(e *core.RecordEvent) error {
	r := e.Record
	if err := placeInUnit(e.App, r); err != nil {
		return err
	}
	if err := e.Next(); err != nil {
		return err
	}
	for _, f := range []string{"lease_start", "lease_end"} {
		if err := checkDate(r, f); err != nil {
			return err
		}
	}
	if err := notBefore(r, "lease_end", "lease_start"); err != nil {
		return err
	}
	if id := r.GetString("tenant_link"); id != "" {
		l, err := e.App.FindRecordById("unit_residents", id)
		if err != nil || l.GetString("unit") != r.GetString("unit") || l.GetString("relation") != "tenant" {
			return validation.Errors{"tenant_link": codedError("wuye_tenant_link")}
		}
	}
	taken, err := exists(e.App, "household_files", dbx.HashExp{"unit": r.GetString("unit")}, r.Id)
	if err != nil {
		return err
	}
	if taken {
		return validation.Errors{"unit": codedError("wuye_household_file_one")}
	}
	return nil
}

func validateVehicle(e *core.RecordEvent) error {
	r := e.Record
	if err := placeInUnit(e.App, r); err != nil {
		return err
	}
	plate, kind := plates.Read(r.GetString("plate"))
	if r.GetString("plate") != "" {
		r.Set("plate", plate)
	}
	r.Set("new_energy", kind == plates.NewEnergySmall || kind == plates.NewEnergyLarge)
	if err := e.Next(); err != nil {
		return err
	}
	if kind == plates.Invalid {
		return validation.Errors{"plate": codedError("wuye_plate_invalid")}
	}
	if r.GetBool("active") {
		taken, err := exists(e.App, "vehicles", dbx.HashExp{"community": r.GetString("community"), "plate": plate, "active": true}, r.Id)
		if err != nil {
			return err
		}
		if taken {
			return validation.Errors{"plate": codedError("wuye_plate_taken", plate)}
		}
	}
	if id := r.GetString("parking_space"); id != "" {
		s, err := e.App.FindRecordById("parking_spaces", id)
		if err != nil || s.GetString("unit") != r.GetString("unit") || !slices.Contains([]string{"owned", "leased"}, s.GetString("holding")) {
			return validation.Errors{"parking_space": codedError("wuye_space_not_unit")}
		}
	}
	return nil
}
