/* legalform: the one table of legal forms (see legalform.h). */
#include "legalform.h"

/*
 * Russian forms come first in a name as a rule (ООО «Ромашка») and last in
 * lists («Ромашка», ООО); Western ones come last. The long Russian forms
 * carry the abbreviation a short name shows.
 */
const struct legal_form legal_forms[] = {
	/* Russia */
	{ "ООО", NULL, LF_BOTH }, { "ОАО", NULL, LF_BOTH }, { "ЗАО", NULL, LF_BOTH },
	{ "ПАО", NULL, LF_BOTH }, { "НАО", NULL, LF_BOTH }, { "АО", NULL, LF_BOTH },
	{ "ИП", NULL, LF_BOTH }, { "НКО", NULL, LF_BOTH }, { "АНО", NULL, LF_BOTH },
	{ "НП", NULL, LF_BOTH }, { "ГУП", NULL, LF_BOTH }, { "МУП", NULL, LF_BOTH },
	{ "ФГУП", NULL, LF_BOTH }, { "ГБУ", NULL, LF_BOTH }, { "МБУ", NULL, LF_BOTH },
	{ "ФГБУ", NULL, LF_BOTH }, { "КФХ", NULL, LF_BOTH }, { "СПК", NULL, LF_BOTH },
	{ "ЧОП", NULL, LF_BOTH }, { "ТСЖ", NULL, LF_BOTH }, { "СНТ", NULL, LF_BOTH },
	{ "ПБОЮЛ", NULL, LF_BOTH },
	{ "Общество с ограниченной ответственностью", "ООО", LF_BOTH },
	{ "Акционерное общество", "АО", LF_BOTH },
	{ "Открытое акционерное общество", "ОАО", LF_BOTH },
	{ "Закрытое акционерное общество", "ЗАО", LF_BOTH },
	{ "Публичное акционерное общество", "ПАО", LF_BOTH },
	{ "Непубличное акционерное общество", "НАО", LF_BOTH },
	{ "Индивидуальный предприниматель", "ИП", LF_BOTH },
	{ "Некоммерческая организация", "НКО", LF_BOTH },
	/* Kazakhstan, Belarus, Ukraine */
	{ "ТОО", NULL, LF_BOTH }, { "ОДО", NULL, LF_BOTH }, { "ЧУП", NULL, LF_BOTH },
	{ "ЧП", NULL, LF_BOTH }, { "ТОВ", NULL, LF_BOTH }, { "ПрАТ", NULL, LF_BOTH },
	{ "ФОП", NULL, LF_BOTH },
	/* Russian forms in Latin letters */
	{ "OOO", NULL, LF_BOTH }, { "OAO", NULL, LF_BOTH }, { "ZAO", NULL, LF_BOTH },
	{ "PAO", NULL, LF_BOTH },
	/* English */
	{ "LLC", NULL, LF_TRAIL }, { "L L C", NULL, LF_TRAIL }, { "Ltd", NULL, LF_TRAIL },
	{ "Limited", NULL, LF_TRAIL }, { "Co Ltd", NULL, LF_TRAIL }, { "Co Limited", NULL, LF_TRAIL },
	{ "Pty Ltd", NULL, LF_TRAIL }, { "Pvt Ltd", NULL, LF_TRAIL }, { "Pte Ltd", NULL, LF_TRAIL },
	{ "Inc", NULL, LF_TRAIL }, { "Co Inc", NULL, LF_TRAIL }, { "Incorporated", NULL, LF_TRAIL },
	{ "Corp", NULL, LF_TRAIL }, { "Corporation", NULL, LF_TRAIL }, { "PLC", NULL, LF_TRAIL }, { "LLP", NULL, LF_TRAIL },
	{ "JSC", NULL, LF_TRAIL }, { "OJSC", NULL, LF_TRAIL }, { "CJSC", NULL, LF_TRAIL },
	{ "PJSC", NULL, LF_TRAIL },
	/* German, Dutch, Nordic */
	{ "GmbH", NULL, LF_TRAIL }, { "GmbH Co KG", NULL, LF_TRAIL }, { "AG", NULL, LF_TRAIL | LF_CASE },
	{ "KG", NULL, LF_TRAIL | LF_CASE }, { "BV", NULL, LF_TRAIL | LF_CASE }, { "B V", NULL, LF_TRAIL },
	{ "NV", NULL, LF_TRAIL | LF_CASE }, { "N V", NULL, LF_TRAIL },
	{ "AB", NULL, LF_TRAIL | LF_CASE }, { "AS", NULL, LF_TRAIL | LF_CASE }, { "A S", NULL, LF_TRAIL },
	{ "ApS", NULL, LF_TRAIL }, { "Oy", NULL, LF_TRAIL | LF_CASE }, { "Oyj", NULL, LF_TRAIL },
	/* Romance, Central Europe */
	{ "SA", NULL, LF_TRAIL | LF_CASE }, { "S A", NULL, LF_TRAIL },
	{ "SAS", NULL, LF_TRAIL | LF_CASE }, { "S A S", NULL, LF_TRAIL },
	{ "SARL", NULL, LF_TRAIL }, { "S A R L", NULL, LF_TRAIL },
	{ "SRL", NULL, LF_TRAIL }, { "S R L", NULL, LF_TRAIL },
	{ "SpA", NULL, LF_TRAIL | LF_CASE }, { "S p A", NULL, LF_TRAIL },
	{ "S L", NULL, LF_TRAIL }, { "Sp z o o", NULL, LF_TRAIL }, { "s r o", NULL, LF_TRAIL },
};

const size_t legal_forms_n = sizeof(legal_forms) / sizeof(*legal_forms);
