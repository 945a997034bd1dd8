package hooks_test

import "net/http"

// accountRouteCases are the bad requests of the account routes of issue #16
// (hooks/accounts_phone.go), merged into routeCases. None of them may write
// anything: a wrong code for a pending change is counted (a write, on
// purpose) and is tried in TestPhoneChangeCodeLimits instead.
func (r *biRun) accountRouteCases() map[string][]biCase {
	fx := r.fx
	post := func(name, url, body, who string, okStatus ...int) biCase {
		return biCase{family: "route", name: name, method: http.MethodPost, url: url, body: []byte(body), who: who, okStatus: okStatus}
	}
	yxResident := fx.id("residents:owner.yx@example.com")
	owner1 := fx.id("residents:owner1@example.com")
	return map[string][]biCase{
		"POST /api/wuye/phone-change": {
			post("phone change with malformed JSON", "/api/wuye/phone-change", `{"phone":`, "owner1@example.com"),
			post("phone change without a phone", "/api/wuye/phone-change", `{}`, "owner1@example.com"),
			post("phone change with the phone as a number", "/api/wuye/phone-change", `{"phone":13712345678}`, "owner1@example.com"),
			post("phone change to a landline", "/api/wuye/phone-change", `{"phone":"010-12345678"}`, "owner1@example.com"),
			post("phone change to 12345", "/api/wuye/phone-change", `{"phone":"12345"}`, "owner1@example.com"),
			post("phone change to the same number", "/api/wuye/phone-change", `{"phone":"13800000001"}`, "owner1@example.com"),
			post("phone change of another community's resident", "/api/wuye/phone-change", `{"phone":"13712345678","resident":"`+yxResident+`"}`, "supervisor@example.com"),
			post("phone change of a resident by a technician", "/api/wuye/phone-change", `{"phone":"13712345678","resident":"`+owner1+`"}`, "tech1@example.com"),
			post("phone change of another resident by a resident", "/api/wuye/phone-change", `{"phone":"13712345678","resident":"`+owner1+`"}`, "owner2@example.com"),
			post("phone change signed out", "/api/wuye/phone-change", `{"phone":"13712345678"}`, "", 401),
		},
		"POST /api/wuye/phone-change/confirm": {
			post("phone confirm with malformed JSON", "/api/wuye/phone-change/confirm", `{"phone":`, "owner1@example.com"),
			post("phone confirm without a code", "/api/wuye/phone-change/confirm", `{"phone":"13712345678"}`, "owner1@example.com"),
			post("phone confirm without a phone", "/api/wuye/phone-change/confirm", `{"code":"123456"}`, "owner1@example.com"),
			post("phone confirm with nothing asked for", "/api/wuye/phone-change/confirm", `{"phone":"13712345678","code":"123456"}`, "owner1@example.com"),
			post("phone confirm of another community's resident", "/api/wuye/phone-change/confirm", `{"phone":"13712345678","code":"123456","resident":"`+yxResident+`"}`, "supervisor@example.com"),
			post("phone confirm signed out", "/api/wuye/phone-change/confirm", `{"phone":"13712345678","code":"123456"}`, "", 401),
		},
	}
}
