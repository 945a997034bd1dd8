package migrations

// Who reads and keeps the front desk's registers (docs/DESIGN.md, "Front desk
// registers"), shared by migrations 0058–0061 and the events rule
// (EventSubjectRoles).
var (
	// DeskRegisterReaders read parcels, found items and goods passes: the
	// desk that keeps them, the area managers who collect the mail for
	// their buildings ([000] 前台 4.2.3, 4.2.4.2), security, who find items
	// and check passes at the gate ([001] 中汇广场 十一, 十二), and the
	// supervisors and the director.
	DeskRegisterReaders = []string{"front_desk", "area_manager", "security", "supervisor", "director"}
	// DeskRegisterWriters receive parcels, issue passes and hand things
	// over: the desk and those who stand in for it.
	DeskRegisterWriters = []string{"front_desk", "supervisor", "director"}
	// LostItemWriters: security registers what its patrols find too.
	LostItemWriters = []string{"front_desk", "security", "supervisor", "director"}
	// EnquiryKeepers take enquiries: the desk, and the area managers who
	// answer residents face to face ([000] 管理员 3.5).
	EnquiryKeepers = []string{"front_desk", "area_manager", "supervisor", "director"}
)
