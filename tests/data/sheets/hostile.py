# Writes the hostile files of tests/spreadsheet.rs: each must end in a clear
# error, in bounded memory, instead of exhausting memory. Run from this
# folder after make.py and hide.py (it patches customers.xls).
import zipfile

CONTENT_TYPES = b'''<?xml version="1.0" encoding="UTF-8"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">
<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>
<Default Extension="xml" ContentType="application/xml"/>
<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>
<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>
</Types>'''
RELS = b'''<?xml version="1.0" encoding="UTF-8"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>
</Relationships>'''
WORKBOOK = b'''<?xml version="1.0" encoding="UTF-8"?>
<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">
<sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>'''
WORKBOOK_RELS = b'''<?xml version="1.0" encoding="UTF-8"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>
</Relationships>'''

def sheet(rows, dimension='A1:B2'):
    return (b'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
            b'<dimension ref="' + dimension.encode() + b'"/><sheetData>' + rows + b'</sheetData></worksheet>')

HEADER = b'<row r="1"><c r="A1" t="inlineStr"><is><t>email</t></is></c></row>'

def xlsx(path, sheet_xml, extra=()):
    with zipfile.ZipFile(path, 'w', zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        z.writestr('[Content_Types].xml', CONTENT_TYPES)
        z.writestr('_rels/.rels', RELS)
        z.writestr('xl/workbook.xml', WORKBOOK)
        z.writestr('xl/_rels/workbook.xml.rels', WORKBOOK_RELS)
        for name, data in extra:
            z.writestr(name, data)
        z.writestr('xl/worksheets/sheet1.xml', sheet_xml)

# A zip bomb: 300 MB of blank space inside the sheet, 300 KB zipped.
xlsx('bomb.xlsx', sheet(HEADER + b' ' * (300 * 1024 * 1024)))

# One cell in the sheet's last column and row: calamine's range would be
# 16,384 × 1,048,576 cells.
xlsx('wide.xlsx', sheet(HEADER + b'<row r="1048576"><c r="XFD1048576"><v>1</v></c></row>',
                        'A1:XFD1048576'))

# Shared strings announcing a trillion entries (calamine reserves room first).
SST = (b'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
       b'count="1" uniqueCount="1000000000000"><si><t>email</t></si></sst>')
xlsx('strings.xlsx', sheet(b'<row r="1"><c r="A1" t="s"><v>0</v></c></row>'),
     [('xl/sharedStrings.xml', SST)])

# An .ods file whose one filled row, 16,384 cells wide, repeats 6,000 times:
# 98 million cells, under calamine's own limit of 100 million (gigabytes).
CONTENT = b'''<?xml version="1.0" encoding="UTF-8"?>
<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2"><office:body><office:spreadsheet><table:table table:name="Sheet1"><table:table-row table:number-rows-repeated="6000"><table:table-cell office:value-type="float" office:value="1" table:number-columns-repeated="16384"/></table:table-row></table:table></office:spreadsheet></office:body></office:document-content>'''
MANIFEST = b'''<?xml version="1.0" encoding="UTF-8"?>
<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">
<manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>
<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>
</manifest:manifest>'''
with zipfile.ZipFile('repeated.ods', 'w') as z:
    z.writestr('mimetype', b'application/vnd.oasis.opendocument.spreadsheet', zipfile.ZIP_STORED)
    z.writestr('META-INF/manifest.xml', MANIFEST, zipfile.ZIP_DEFLATED)
    z.writestr('content.xml', CONTENT, zipfile.ZIP_DEFLATED)

# A zip that is no spreadsheet.
with zipfile.ZipFile('photos.zip', 'w', zipfile.ZIP_DEFLATED) as z:
    z.writestr('notes.txt', b'not a spreadsheet')

# customers.xls with the Customers sheet's DIMENSIONS record announcing
# 4 billion rows (calamine reserves rows x columns cells first).
b = bytearray(open('customers.xls', 'rb').read())
dims = [i for i in range(len(b) - 18) if b[i:i+4] == b'\x00\x02\x0e\x00']
assert len(dims) >= 2, dims
i = dims[1] + 4  # the second sheet: Customers
b[i+4:i+8] = (0xFFFFFFFF).to_bytes(4, 'little')
open('dimensions.xls', 'wb').write(bytes(b))
