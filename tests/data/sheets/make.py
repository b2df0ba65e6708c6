# Writes customers.fods: the source of the test workbooks (converted by
# LibreOffice to .ods, .xlsx and .xls).
from xml.sax.saxutils import escape, quoteattr

def s(text):  # text cell
    return f'<table:table-cell office:value-type="string" calcext:value-type="string"><text:p>{escape(text)}</text:p></table:table-cell>'
def n(value, shown=None, style=None):  # number cell
    st = f' table:style-name="{style}"' if style else ''
    return f'<table:table-cell{st} office:value-type="float" office:value="{value}" calcext:value-type="float"><text:p>{shown or value}</text:p></table:table-cell>'
def d(iso, shown, style):  # date cell
    return f'<table:table-cell table:style-name="{style}" office:value-type="date" office:date-value="{iso}" calcext:value-type="date"><text:p>{shown}</text:p></table:table-cell>'
def f_str(formula, value):
    return f'<table:table-cell table:formula={quoteattr(formula)} office:value-type="string" office:string-value={quoteattr(value)} calcext:value-type="string"><text:p>{escape(value)}</text:p></table:table-cell>'
def f_na(formula):
    return f'<table:table-cell table:formula={quoteattr(formula)} office:value-type="float" office:value="0" calcext:value-type="error"><text:p>#N/A</text:p></table:table-cell>'
def b(value):
    v = 'true' if value else 'false'
    return f'<table:table-cell office:value-type="boolean" office:boolean-value="{v}" calcext:value-type="boolean"><text:p>{v.upper()}</text:p></table:table-cell>'
E = '<table:table-cell/>'
def row(*cells):
    return '<table:table-row>' + ''.join(cells) + '</table:table-row>'
def empty_rows(count, styled_cols=0):
    cells = f'<table:table-cell table:style-name="ce_dmy" table:number-columns-repeated="{styled_cols}"/>' if styled_cols else E
    return f'<table:table-row table:number-rows-repeated="{count}">{cells}</table:table-row>'

archive = [
    row(s('First Name'), s('Email')),
    row(s('Old'), s('old@example.com')),
]
# Row 1 is empty: the header is on row 2, data from row 3.
customers = [
    row(E),
    row(s('First Name'), s('Last Name'), s('Email'), s('Phone'), s('Postal Code'), s('Birthday'), s('Reference ID'), s('Other')),
    row(s('Ann'), s('Lee'), s('ann@example.com'), n(4155550101), s('02134'), d('1986-10-25', '25 Oct 1986', 'ce_dmy'), n(1001), f_str('of:=[.A3]&" "&[.B3]', 'Ann Lee')),
    row(s('Bob'), s('Stone'), s('bob@example.com'), n(4155550102), n(2134, '02134', 'ce_zip'), d('1990-02-14', '02/14/1990', 'ce_us'), f_na('of:=NA()'), f_str('of:=[.A4]&" "&[.B4]', 'Bob Stone')),
    row(s('Cleo'), s('Park'), s('cleo@example'), E, s('10001'), d('1975-12-31', '31 Dec 1975', 'ce_dmy')),
    row(s('Dan'), s('Ray'), s('dan@example.com'), n(14155550103), s('94105'), s('1980-01-02'), n(1004.5)),
    empty_rows(6, 4),
    empty_rows(1048560),
]
field_service = [
    row(s('Customer title'), s('first_name*'), s('last_name*'), s('email*'), s('mobile'), s('city*'), s('state'), s('country'), s('Date joined'), s('Customer type')),
    row(s('Dr'), s('Ann'), s('Lee'), s('ann@example.com'), n(4155550101), s('Austin'), s('TX'), s('US'), d('2018-05-12', '05/12/2018', 'ce_us'), s('Personal')),
    row(s('Mr'), s('Bob'), s('Stone'), s('bob@example.com'), E, s('Denver'), s('CO'), s('US'), s('2018/06/01'), s('Personal')),
    row(E),
    row(s('Ms'), s('Cleo'), s('Park'), s('cleo@example.com'), E, s('Boston'), s('MA'), s('US'), d('2019-01-15', '15 Jan 2019', 'ce_dmy'), s('Personal')),
]

def table(name, style, rows):
    return f'<table:table table:name="{name}" table:style-name="{style}">' + ''.join(rows) + '</table:table>'

doc = f'''<?xml version="1.0" encoding="UTF-8"?>
<office:document xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" xmlns:number="urn:oasis:names:tc:opendocument:xmlns:datastyle:1.0" xmlns:fo="urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0" xmlns:of="urn:oasis:names:tc:opendocument:xmlns:of:1.2" xmlns:calcext="urn:org:documentfoundation:names:experimental:calc:xmlns:calcext:1.0" office:version="1.2" office:mimetype="application/vnd.oasis.opendocument.spreadsheet">
<office:automatic-styles>
<number:date-style style:name="N_DMY"><number:day/><number:text> </number:text><number:month number:textual="true"/><number:text> </number:text><number:year number:style="long"/></number:date-style>
<number:date-style style:name="N_US"><number:month number:style="long"/><number:text>/</number:text><number:day number:style="long"/><number:text>/</number:text><number:year number:style="long"/></number:date-style>
<number:number-style style:name="N_ZIP"><number:number number:decimal-places="0" number:min-integer-digits="5"/></number:number-style>
<style:style style:name="ce_dmy" style:family="table-cell" style:parent-style-name="Default" style:data-style-name="N_DMY"/>
<style:style style:name="ce_us" style:family="table-cell" style:parent-style-name="Default" style:data-style-name="N_US"/>
<style:style style:name="ce_zip" style:family="table-cell" style:parent-style-name="Default" style:data-style-name="N_ZIP"/>
<style:style style:name="ta_hidden" style:family="table"><style:table-properties table:display="false"/></style:style>
<style:style style:name="ta_shown" style:family="table"><style:table-properties table:display="true"/></style:style>
</office:automatic-styles>
<office:body><office:spreadsheet>
{table('Archive', 'ta_hidden', archive)}
{table('Customers', 'ta_shown', customers)}
{table('Field service', 'ta_shown', field_service)}
</office:spreadsheet></office:body></office:document>
'''
open('customers.fods', 'w').write(doc)
