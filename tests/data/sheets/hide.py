# LibreOffice's headless export drops the hidden state of a sheet: mark
# the "Archive" sheet hidden in the .xlsx and .xls files by hand.
import shutil, zipfile, sys
src = 'customers.xlsx'
with zipfile.ZipFile(src) as z:
    items = [(i, z.read(i.filename)) for i in z.infolist()]
with zipfile.ZipFile('hidden.xlsx', 'w', zipfile.ZIP_DEFLATED) as out:
    for info, data in items:
        if info.filename == 'xl/workbook.xml':
            data = data.replace(b'<sheet name="Archive" sheetId="1" state="visible"', b'<sheet name="Archive" sheetId="1" state="hidden"')
            assert b'state="hidden"' in data
        out.writestr(info, data)
shutil.move('hidden.xlsx', src)
b = bytearray(open('customers.xls', 'rb').read())
# BoundSheet8: type 0x0085, len, lbPlyPos(4), hsState(1), dt(1), cch(1), fHighByte(1), name
i = b.find(b'\x07\x00Archive')
assert i > 0 and b[i-10:i-8] == b'\x85\x00', b[i-10:i]
b[i-2] = 1
open('customers.xls', 'wb').write(bytes(b))
