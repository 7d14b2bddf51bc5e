# The register the mail tests share (1400, 1440): managers ivanov (Иван
# Иванов) and petrov (Пётр Петров) with addresses, smirnov (Анна
# Смирнова) with the address given or none, and four clients:
#   romashka   ivanov   next 2026-11-01 "позвонить директору": overdue
#   vasilek    petrov   next 2026-11-02: due
#   lyutik     smirnov  next 2026-11-02: due
#   oduvanchik ivanov   next 2026-11-20: not due

# mail_register DIR [SMIRNOV_EMAIL]: make it in DIR.
mail_register() {
	local P=$1 smirnov="{name: Анна Смирнова}"
	[ -n "${2:-}" ] && smirnov="{name: Анна Смирнова, email: $2}"
	"$PREG" init "$P" >/dev/null
	printf '%s\n' 'managers:' \
		'  ivanov: {name: Иван Иванов, email: ivanov@example.com}' \
		'  petrov: {name: Пётр Петров, email: petrov@example.com}' \
		"  smirnov: $smirnov" >>"$P/preg.yaml"
	git -C "$P" commit -qam "managers"
	"$PREG" -C "$P" client add "ООО «Ромашка»" --id romashka --next 2026-11-01 --action "позвонить директору" >/dev/null
	"$PREG" -C "$P" client add "ООО «Василёк»" --id vasilek --manager petrov --next 2026-11-02 >/dev/null
	"$PREG" -C "$P" client add "АО «Лютик»" --id lyutik --manager smirnov --next 2026-11-02 >/dev/null
	"$PREG" -C "$P" client add "ООО «Одуванчик»" --id oduvanchik --next 2026-11-20 >/dev/null
}
