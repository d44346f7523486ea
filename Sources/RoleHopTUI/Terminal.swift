import CNCurses
import RoleHopCore
