package hooks

// Messages of issue #16's access fixes, kept apart from messages.go so that
// parallel changes to it merge cleanly.

// fieldMessages override messages for one field: PocketBase reports a
// refused direct change of an account's email (or verified flag) as the
// generic "values don't match" of ozzo-validation, which messages words as
// the password confirmation ("两次输入的密码不一致") — a clerk or resident
// told that after changing their email would look for a password typo.
// Keyed "field code".
var fieldMessages = map[string]text{
	"email validation_values_mismatch": {"邮箱不能直接修改：请申请更换邮箱，并在新邮箱收到的链接中确认",
		"The email cannot be changed directly: request an email change and confirm it from the link sent to the new address."},
	"verified validation_values_mismatch": {"邮箱验证状态不能自行修改", "The verified flag cannot be changed directly."},
}

func init() {
	// Confirming an email change (or anything else checked against the
	// account's password) with a wrong password.
	messages["validation_invalid_password"] = text{"密码不正确", "Wrong password."}
	// The routes that check the token themselves (the statistics) answer
	// 401 with PocketBase's default message, which had no Chinese.
	topMessages["Missing or invalid authentication."] = text{"请先登录", "Please sign in first."}
}
