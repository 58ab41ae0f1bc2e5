; Inno Setup script for a per-site Windows installer of Một Cửa Kiosk (docs/admin.md).
; NOT TRIED: no Windows machine was available when this was written. Build on Windows with
;   pyinstaller --noconfirm --workpath .pyinstaller --distpath dist build\kiosk.spec
;   python build\make_site_package.py --site site.json --out dist\site
;   iscc /DSiteDir=..\..\dist\site /DSiteName="UBND xa Bat Trang 1" build\windows\mot-cua-kiosk.iss

#ifndef SiteDir
  #define SiteDir "..\..\dist\site"
#endif
#ifndef SiteName
  #define SiteName "Diem tiep nhan"
#endif

[Setup]
AppId={{6C1F6E5A-4E1B-4F59-9C7E-5B0C2D6A9E11}
AppName=Mot Cua Kiosk
AppVersion=0.1.0
AppPublisher=So Thong tin va Truyen thong
DefaultDirName={autopf}\MotCuaKiosk
DefaultGroupName=Mot Cua Kiosk
OutputBaseFilename=MotCuaKiosk-{#SiteName}
Compression=lzma2
SolidCompression=yes
PrivilegesRequired=admin
ArchitecturesInstallIn64BitMode=x64compatible
; The data folder is per user (%LOCALAPPDATA%\mot-cua-kiosk) and is never removed by the uninstaller.

[Languages]
Name: "vi"; MessagesFile: "compiler:Languages\Vietnamese.isl"

[Files]
Source: "{#SiteDir}\*"; DestDir: "{app}"; Flags: recursesubdirs ignoreversion
; site-config.json carries the one-time enrolment code: readable by the officer account only after install.

[Icons]
Name: "{group}\Tiep nhan ho so Mot Cua"; Filename: "{app}\kiosk.exe"
Name: "{autodesktop}\Tiep nhan ho so Mot Cua"; Filename: "{app}\kiosk.exe"
Name: "{commonstartup}\Tiep nhan ho so Mot Cua"; Filename: "{app}\kiosk.exe"

[Run]
Filename: "{app}\kiosk-admin.exe"; Parameters: "doctor"; Flags: runhidden; Description: "Kiem tra may"
