package importer

// The choices of the registry's coded fields, by the labels the offices use
// (the same words as the workspace: pb_public/js/core/i18n.js).
var (
	UnitTypes = []Choice{{"residential", "住宅", "Residential"}, {"shop", "商铺", "Shop"}, {"office", "写字间", "Office"},
		{"parking", "车位", "Parking"}, {"storage", "储藏室", "Storage"}}
	UnitStatuses = []Choice{{"vacant", "空置", "Vacant"}, {"handed_over", "已收房", "Handed over"},
		{"renovating", "装修中", "Renovating"}, {"occupied", "已入住", "Occupied"}}
	Relations = []Choice{{"owner", "业主", "Owner"}, {"tenant", "租户", "Tenant"}, {"family", "家属", "Family"}}
	Meters    = []Choice{{"water", "水表", "Water"}, {"electric", "电表", "Electric"}, {"gas", "燃气表", "Gas"}}
	Holdings  = []Choice{{"unassigned", "未分配", "Unassigned"}, {"owned", "产权", "Owned"}, {"leased", "月租", "Leased"}}
)

func init() {
	// Other words the old systems use for the same codes.
	UnitStatuses = append(UnitStatuses, Choice{"handed_over", "已交房", "handed over"}, Choice{"vacant", "未交房", "not handed over"},
		Choice{"occupied", "已入伙", "moved in"})
	UnitTypes = append(UnitTypes, Choice{"office", "办公", "offices"}, Choice{"shop", "商铺/门面", "retail"})
	Relations = append(Relations, Choice{"family", "家庭成员", "household member"}, Choice{"tenant", "租客", "renter"})
	Meters = append(Meters, Choice{"water", "水", "w"}, Choice{"electric", "电", "e"}, Choice{"gas", "燃气", "g"})
	Holdings = append(Holdings, Choice{"owned", "已售", "sold"}, Choice{"leased", "出租", "rented"})
}

var (
	colBuilding = Column{Key: "building", Zh: "楼栋编号", En: "Building code", Aliases: []string{"楼栋", "楼号", "栋号"}, Required: true, Max: 20,
		Help: Text{"楼栋的编号（与“楼栋”导入中的编号一致），如 1", "The building's code (as in the buildings import), e.g. 1"}, Example: "1"}
	colUnit = Column{Key: "unit", Zh: "房号", En: "Unit number", Aliases: []string{"房间号", "户号", "number"}, Required: true, Max: 20,
		Help: Text{"楼栋内的房号，如 101", "The unit's number in its building, e.g. 101"}, Example: "101"}
)

// Kinds are the imports, by name (the kind parameter of the route).
var Kinds = map[string]Kind{
	"buildings": {Name: "buildings", Title: Text{"楼栋", "Buildings"}, Columns: []Column{
		{Key: "code", Zh: "楼栋编号", En: "Building code", Aliases: []string{"编号", "楼号", "栋号"}, Required: true, Max: 20,
			Help: Text{"本小区内唯一的楼栋编号，再次导入时按它找到楼栋", "Unique in the community; a later import finds the building by it"}, Example: "1"},
		{Key: "name", Zh: "楼栋名称", En: "Name", Aliases: []string{"名称"}, Max: 50,
			Help: Text{"显示的名称，可空", "The name shown; optional"}, Example: "1栋"},
		{Key: "floors", Zh: "楼层数", En: "Floors", Aliases: []string{"层数", "总层数"}, Required: true, Type: TypeInt,
			Help: Text{"地上层数，整数", "Floors above ground, a whole number"}, Example: "18"},
		{Key: "area", Zh: "片区", En: "Area", Max: 50,
			Help: Text{"所属片区的名称（须已在系统中建立），可空", "The name of its area (already set up); optional"}, Example: ""},
	}},
	"units": {Name: "units", Title: Text{"房屋", "Units"}, Columns: []Column{
		colBuilding, colUnit,
		{Key: "floor", Zh: "楼层", En: "Floor", Required: true, Type: TypeInt,
			Help: Text{"所在楼层，地下层用负数", "The floor; negative for basements"}, Example: "1"},
		{Key: "type", Zh: "类型", En: "Type", Aliases: []string{"房屋类型", "用途"}, Required: true, Type: TypeChoice, Choices: UnitTypes,
			Help: Text{"住宅、商铺、写字间、车位或储藏室", "Residential, Shop, Office, Parking or Storage"}, Example: "住宅"},
		{Key: "area_m2", Zh: "建筑面积", En: "Area (m²)", Aliases: []string{"面积", "建筑面积(m²)", "建筑面积(平方米)", "area"}, Required: true, Type: TypeNumber,
			Help: Text{"平方米，大于 0，如 89.5", "Square metres, above 0, e.g. 89.5"}, Example: "89.5"},
		{Key: "status", Zh: "状态", En: "Status", Aliases: []string{"房屋状态"}, Required: true, Type: TypeChoice, Choices: UnitStatuses,
			Help: Text{"空置、已收房、装修中或已入住；已收房须填收房日期，已入住还须填入住日期，装修中还须填装修登记日期", "Vacant, Handed over, Renovating or Occupied; handed over needs the handover date, occupied also the move-in date, renovating the renovation date"}, Example: "已入住"},
		{Key: "handed_over_on", Zh: "收房日期", En: "Handover date", Aliases: []string{"交房日期"}, Type: TypeDate,
			Help: Text{"如 2024-03-01 或 2024/3/1", "e.g. 2024-03-01 or 2024/3/1"}, Example: "2024-03-01"},
		{Key: "renovation_registered_on", Zh: "装修登记日期", En: "Renovation registered", Aliases: []string{"装修日期"}, Type: TypeDate,
			Help: Text{"状态为装修中时必填", "Required when renovating"}, Example: ""},
		{Key: "moved_in_on", Zh: "入住日期", En: "Move-in date", Aliases: []string{"入伙日期"}, Type: TypeDate,
			Help: Text{"不早于收房日期", "Not before the handover date"}, Example: "2024-03-15"},
	}},
	"residents": {Name: "residents", Title: Text{"住户", "Residents"}, Columns: []Column{
		{Key: "name", Zh: "姓名", En: "Name", Aliases: []string{"住户姓名", "业主姓名"}, Required: true, Max: 50,
			Help: Text{"住户姓名", "The resident's name"}, Example: "欧阳明"},
		{Key: "phone", Zh: "手机号", En: "Phone", Aliases: []string{"手机", "电话", "联系电话", "手机号码"}, Required: true, Type: TypePhone,
			Help: Text{"11 位手机号；再次导入时按手机号找到住户", "11-digit mobile; a later import finds the resident by it"}, Example: "13555000001"},
		colBuilding, colUnit,
		{Key: "relation", Zh: "关系", En: "Relation", Aliases: []string{"身份", "与房屋关系"}, Required: true, Type: TypeChoice, Choices: Relations,
			Help: Text{"业主、租户或家属", "Owner, Tenant or Family"}, Example: "业主"},
		{Key: "since", Zh: "起始日期", En: "Since", Aliases: []string{"登记日期", "入住日期"}, Type: TypeDate,
			Help: Text{"自何日起住在此房屋，可空", "Living there since; optional"}, Example: "2024-03-15"},
	}},
	"opening_arrears": {Name: "opening_arrears", Title: Text{"期初欠费", "Opening arrears"}, Columns: []Column{
		colBuilding, colUnit,
		{Key: "fee_item", Zh: "收费项目编号", En: "Fee item code", Aliases: []string{"收费项目", "项目编号"}, Required: true, Max: 20,
			Help: Text{"系统中收费项目的编号，如 WY", "The code of a fee item in the system, e.g. WY"}, Example: "WY"},
		{Key: "period", Zh: "账期", En: "Period", Aliases: []string{"所属期", "期间"}, Required: true, Type: TypePeriod,
			Help: Text{"欠费所属月份或季度，如 2026-01 或 2026-Q1", "The month or quarter owed, e.g. 2026-01 or 2026-Q1"}, Example: "2026-01"},
		{Key: "amount", Zh: "欠费金额", En: "Amount owed", Aliases: []string{"金额", "欠费金额(元)", "金额(元)"}, Required: true, Type: TypeMoney,
			Help: Text{"元，最多两位小数，如 1,234.50", "Yuan, two decimals at most, e.g. 1,234.50"}, Example: "256.80"},
	}},
	"meter_readings": {Name: "meter_readings", Title: Text{"抄表读数", "Meter readings"}, Columns: []Column{
		colBuilding, colUnit,
		{Key: "meter", Zh: "表类", En: "Meter", Aliases: []string{"表类型", "仪表"}, Required: true, Type: TypeChoice, Choices: Meters,
			Help: Text{"水表、电表或燃气表", "Water, Electric or Gas"}, Example: "水表"},
		{Key: "read_on", Zh: "抄表日期", En: "Read on", Aliases: []string{"日期"}, Required: true, Type: TypeDate,
			Help: Text{"如 2026-11-30", "e.g. 2026-11-30"}, Example: "2026-11-30"},
		{Key: "reading", Zh: "读数", En: "Reading", Aliases: []string{"本次读数", "表读数"}, Required: true, Type: TypeNumber,
			Help: Text{"不小于该表之前的读数（读数只增不减）", "Not below the meter's earlier reading (meters only count up)"}, Example: "1234.5"},
	}},
	"parking": {Name: "parking", Title: Text{"车位", "Parking spaces"}, Columns: []Column{
		{Key: "code", Zh: "车位编号", En: "Space code", Aliases: []string{"车位号", "编号"}, Required: true, Max: 20,
			Help: Text{"本小区内唯一，再次导入时按它找到车位", "Unique in the community; a later import finds the space by it"}, Example: "B1-001"},
		{Key: "garage", Zh: "所在楼栋", En: "Garage building", Aliases: []string{"车库楼栋"}, Max: 20,
			Help: Text{"车位所在楼栋的编号（地下车库），可空", "Code of the building whose garage it is in; optional"}, Example: "1"},
		{Key: "holding", Zh: "使用方式", En: "Holding", Aliases: []string{"持有方式", "状态"}, Required: true, Type: TypeChoice, Choices: Holdings,
			Help: Text{"未分配、产权或月租", "Unassigned, Owned or Leased"}, Example: "月租"},
		{Key: "building", Zh: "房屋楼栋", En: "Unit building", Max: 20,
			Help: Text{"使用车位的住户所在楼栋编号；产权、月租时与房号一起填写", "Building code of the household holding it; with the unit number when owned or leased"}, Example: "1"},
		{Key: "unit", Zh: "房号", En: "Unit number", Aliases: []string{"房屋房号"}, Max: 20,
			Help: Text{"使用车位的住户房号", "Unit number of the household holding it"}, Example: "101"},
		{Key: "plate", Zh: "车牌号", En: "Plate", Aliases: []string{"车牌"}, Max: 20,
			Help: Text{"可空", "Optional"}, Example: "渝A12345"},
		{Key: "lease_until", Zh: "租期至", En: "Lease until", Aliases: []string{"到期日期"}, Type: TypeDate,
			Help: Text{"月租车位的到期日", "End of a leased space's term"}, Example: "2027-06-30"},
		{Key: "monthly_fee", Zh: "月租金", En: "Monthly fee", Aliases: []string{"月租金(元)", "月租"}, Type: TypeMoney,
			Help: Text{"元，如 300", "Yuan, e.g. 300"}, Example: "300"},
		{Key: "note", Zh: "备注", En: "Note", Max: 200, Help: Text{"可空", "Optional"}},
	}},
}

// KindNames are the kinds in the order an office loads them: the places
// first, then who lives there, then what they owe and their meters.
var KindNames = []string{"buildings", "units", "residents", "parking", "opening_arrears", "meter_readings"}
